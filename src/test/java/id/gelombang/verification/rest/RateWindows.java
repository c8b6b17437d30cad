package id.gelombang.verification.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Counts calls in sliding one-second windows, as an outside service's rate limiter would. */
final class RateWindows {

    private RateWindows() {
    }

    /** The most calls that fall in any window [t, t + 1 s) starting at a call. */
    static int maxPerSecond(List<Instant> sortedCalls) {
        int max = 0;
        int end = 0;
        for (int start = 0; start < sortedCalls.size(); start++) {
            Instant limit = sortedCalls.get(start).plus(Duration.ofSeconds(1));
            while (end < sortedCalls.size() && sortedCalls.get(end).isBefore(limit)) {
                end++;
            }
            max = Math.max(max, end - start);
        }
        return max;
    }
}
