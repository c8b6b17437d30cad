package id.gelombang.verification.domain;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: after the n-th failed attempt, wait a uniformly random
 * time up to min(cap, base x 2^(n-1)), at least {@code floor}. The jitter spreads a crowd of
 * failed jobs over the window instead of sending them back at the outside service together.
 */
public record Backoff(Duration base, Duration cap, Duration floor) {

    public Backoff {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0 || floor.isNegative()) {
            throw new IllegalArgumentException("Backoff needs 0 < base <= cap and floor >= 0");
        }
    }

    public Duration after(int failedAttempts, RandomGenerator random) {
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), 30);
        long ceilingMillis = Math.min(cap.toMillis(), base.toMillis() << doublings);
        long waitMillis = random.nextLong(ceilingMillis + 1);
        return Duration.ofMillis(Math.max(waitMillis, floor.toMillis()));
    }
}
