package id.gelombang.verification.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a registration that has not proved its email address keeps a NIK that someone else was
 * refused for (409 /duplicate-registration), while the registry's quota is kept for registrants who
 * proved theirs. A bot registering a leaked NIK list never proves an address; checking its
 * registrations with the registry would spend the quota real registrants need, and a full leaked
 * record would pass. Instead, once contested, such a registration has {@code grace} to prove its address, counted from
 * the contest or from when its first code was mailed, whichever is later (a long email queue must not
 * eat the holder's time, though never past twice the grace after the contest, so that a code that
 * never leaves the queue cannot keep the NIK). Unproved by then, it is released without a registry call; proved, its check
 * goes to the registry ahead of every other, as any contested check does. A resent code does not
 * extend the grace (a holder could otherwise keep a NIK by asking for codes), and an address that
 * bounced gets no wait for its code.
 *
 * @param grace the holder's time to type a code; longer than a code's life, so that a holder who
 *              asks for a new one when the first expired still has time to use it
 */
public record ContestedHold(Duration grace) {

    public ContestedHold {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("ContestedHold needs a grace >= 0");
        }
    }

    /** What a NIK check does with its registration now. */
    public sealed interface Decision {
        /** Ask the registry, as for any check. */
        record Check() implements Decision {
        }

        /** Keep the NIK and look again at {@code at}: the holder's grace is running. */
        record Wait(Instant at) implements Decision {
        }

        /** Release the NIK without a registry call: the grace passed and the address is unproved. */
        record Release() implements Decision {
        }
    }

    /** Whether the hold can apply at all: only to a contested holder that has not proved its address. */
    public static boolean applies(boolean emailVerified, Instant contestedAt) {
        return !emailVerified && contestedAt != null;
    }

    /**
     * @param emailVerified   the registration proved its address
     * @param contestedAt     when someone else was first refused for its NIK; null if never
     * @param undeliverable   its address bounced or complained: no code will reach it
     * @param codeIssue       the issue number of its current code (1 until a resend)
     * @param codeSentAt      when that code was mailed; null while it waits in the email queue
     */
    public Decision decide(boolean emailVerified, Instant contestedAt, boolean undeliverable, int codeIssue,
            Instant codeSentAt, Instant now) {
        if (!applies(emailVerified, contestedAt)) {
            return new Decision.Check();
        }
        // However long the first code waits (a long queue, a send that failed), never past twice the grace.
        Instant latestRelease = contestedAt.plus(grace).plus(grace);
        boolean firstCodeCounts = !undeliverable && codeIssue <= 1;
        if (firstCodeCounts && codeSentAt == null) {
            return now.isBefore(latestRelease) ? new Decision.Wait(earliest(now.plus(grace), latestRelease)) : new Decision.Release();
        }
        Instant deadline = firstCodeCounts ? earliest(latest(contestedAt, codeSentAt).plus(grace), latestRelease)
                : contestedAt.plus(grace);
        return now.isBefore(deadline) ? new Decision.Wait(deadline) : new Decision.Release();
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
