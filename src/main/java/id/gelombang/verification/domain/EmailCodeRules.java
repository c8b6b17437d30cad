package id.gelombang.verification.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The rules of email codes, free of storage: codes live ten minutes from the moment they are
 * mailed and work once; five wrong codes lock verification for a while; a new code can be asked
 * for at most once a minute.
 */
public final class EmailCodeRules {

    public static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    public static final int MAX_WRONG_CODES = 5;
    public static final Duration LOCKOUT = Duration.ofMinutes(15);
    public static final Duration RESEND_INTERVAL = Duration.ofMinutes(1);
    public static final int CODE_DIGITS = 6;
    /** A code as mailed; the OpenAPI document declares the same pattern. */
    public static final String CODE_PATTERN = "^[0-9]{" + CODE_DIGITS + "}$";
    private static final Pattern CODE = Pattern.compile(CODE_PATTERN);

    private EmailCodeRules() {
    }

    /** What the registration's code record looks like when a code is presented. */
    public record CodeState(Instant sentAt, Instant usedAt, int wrongAttempts, Instant lockedUntil) {
    }

    public enum Verdict {
        /** The code is right: the email is verified. */
        ACCEPTED,
        /** Wrong, expired, not yet mailed or already used. */
        REJECTED,
        /** Too many wrong codes: try again after the lockout. */
        LOCKED
    }

    public static boolean looksLikeCode(String code) {
        return code != null && CODE.matcher(code).matches();
    }

    public static Verdict verdict(CodeState state, boolean codeMatches, Instant now) {
        if (state.lockedUntil() != null && now.isBefore(state.lockedUntil())) {
            return Verdict.LOCKED;
        }
        boolean usable = state.sentAt() != null && state.usedAt() == null
                && now.isBefore(state.sentAt().plus(CODE_LIFETIME));
        return usable && codeMatches ? Verdict.ACCEPTED : Verdict.REJECTED;
    }

    /** Wrong attempts counted so far, restarting from zero once a lockout has passed. */
    public static int wrongAttemptsBefore(CodeState state, Instant now) {
        return state.lockedUntil() != null && !now.isBefore(state.lockedUntil()) ? 0 : state.wrongAttempts();
    }

    /** When a resend may next be asked for, given when the last code was asked for. */
    public static Instant nextResendAt(Instant lastRequestedAt) {
        return lastRequestedAt.plus(RESEND_INTERVAL);
    }
}
