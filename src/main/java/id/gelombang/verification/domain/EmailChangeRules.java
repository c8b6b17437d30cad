package id.gelombang.verification.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * How often a registrant may change their email address: each change mails a code to the new
 * address, so without a limit a registration token could mail codes to address after address. At
 * most {@value #MAX_CHANGES} changes in a day-long window that starts with the first change; on top
 * of that, like every new code, at most one a minute ({@link EmailCodeRules#RESEND_INTERVAL}).
 */
public final class EmailChangeRules {

    public static final int MAX_CHANGES = 5;
    public static final Duration WINDOW = Duration.ofDays(1);

    private EmailChangeRules() {
    }

    /** The registration's changes so far: how many, in the window that started at {@code since} (null: none yet). */
    public record Changes(int count, Instant since) {

        /** The changes after one more at {@code now}: a window that has passed starts again. */
        public Changes plusOne(Instant now) {
            return windowOver(now) ? new Changes(1, now) : new Changes(count + 1, since);
        }

        /** When the next change is allowed, or null when it is allowed now. */
        public Instant blockedUntil(Instant now) {
            return windowOver(now) || count < MAX_CHANGES ? null : since.plus(WINDOW);
        }

        private boolean windowOver(Instant now) {
            return since == null || !now.isBefore(since.plus(WINDOW));
        }
    }
}
