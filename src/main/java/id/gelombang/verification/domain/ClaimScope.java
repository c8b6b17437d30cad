package id.gelombang.verification.domain;

import java.time.Instant;

/**
 * Which due jobs a worker may claim now: those of priority at least {@code minPriority}, and of
 * those below {@code agedBelow} only the ones created before {@code createdBefore}. Due jobs are
 * claimed highest priority first, then oldest due first.
 */
public record ClaimScope(short minPriority, short agedBelow, Instant createdBefore) {

    /** Every due job, whatever its priority or age. */
    public static ClaimScope any(Instant now) {
        return new ClaimScope(Short.MIN_VALUE, Short.MIN_VALUE, now);
    }
}
