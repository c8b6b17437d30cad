package id.gelombang.common.problem;

import java.util.List;

import id.gelombang.common.problem.FieldErrors.FieldError;

/** The problems this API answers with; the type URI's last segment is part of the contract. */
public enum ProblemType {
    VALIDATION("validation", "Request has invalid fields", 400),
    BAD_REQUEST("bad-request", "Request is malformed", 400),
    UNAUTHORIZED("unauthorized", "Registration token missing or wrong", 401),
    NOT_FOUND("not-found", "Not found", 404),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
    NOT_ACCEPTABLE("not-acceptable", "Not acceptable", 406),
    DUPLICATE_REGISTRATION("duplicate-registration", "Already registered in this wave", 409),
    WAVE_CLOSED("wave-closed", "Wave is not open for registration", 409),
    WAVE_FULL("wave-full", "Wave is full", 409),
    HOUSEHOLD_LIMIT("household-limit", "Family card has reached this wave's limit", 409),
    EMAIL_LIMIT("email-limit", "Email address has reached this wave's limit", 409),
    WAVE_EXISTS("wave-exists", "A wave with this code already exists", 409),
    QUOTA_BELOW_REGISTERED("quota-below-registered", "Quota cannot go below the registrations already accepted", 409),
    WAVE_ALREADY_OPEN("wave-already-open", "An open wave's opening time cannot change", 409),
    NOT_A_DRAW_WAVE("not-a-draw-wave", "This wave is not decided by a draw", 409),
    WAVE_NOT_CLOSED("wave-not-closed", "The wave has not closed yet", 409),
    WITHDRAWN_FROM_DRAW("withdrawn-from-draw", "This NIK withdrew from this draw wave; it cannot register in it again before the draw", 409),
    DRAW_SEED_SEALED("draw-seed-sealed", "This wave's seed can be unsealed only where draws run", 409),
    SEED_MISMATCH("seed-mismatch", "The seed does not hash to the wave's draw commitment", 422),
    FORBIDDEN("forbidden", "Not allowed", 403),
    REQUEST_IN_FLIGHT("request-in-flight", "A request with this Idempotency-Key is still being processed", 409),
    WITHDRAWN("withdrawn", "Registration withdrawn and its personal data erased", 410),
    VOIDED("voided", "Registration voided: it was made with someone else's identity", 410),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency-Key was used with a different request", 422),
    KTP_MISSING("ktp-missing", "No KTP photo has been uploaded", 422),
    KTP_REJECTED("ktp-rejected", "KTP photo rejected", 422),
    EMAIL_CODE_INVALID("email-code-invalid", "Email code wrong, expired or already used", 422),
    EMAIL_ALREADY_VERIFIED("email-already-verified", "Email address already verified", 409),
    EMAIL_UNDELIVERABLE("email-undeliverable", "Email address cannot receive mail", 409),
    INVALID_ACCESS_CODE("invalid-access-code", "Access code wrong, used or expired, or no matching registration", 422),
    TOO_MANY_ATTEMPTS("too-many-attempts", "Too many attempts", 429),
    TOO_MANY_REQUESTS("too-many-requests", "Asked again too soon", 429),
    RATE_LIMITED("rate-limited", "Too many registrations from this network", 429),
    UNAVAILABLE("unavailable", "Service temporarily unavailable", 503),
    INTERNAL("internal", "Unexpected error", 500);

    /** Base of every problem type URI. */
    public static final String BASE_URI = "https://gelombang.id/problems/";

    private final String slug;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    public int status() {
        return status;
    }

    public Problem problem(String detail) {
        return new Problem(BASE_URI + slug, title, status, detail, null, null);
    }

    public Problem problem(String detail, List<FieldError> errors) {
        return new Problem(BASE_URI + slug, title, status, detail, errors, null);
    }

    public Problem problemWithReason(String detail, String reason) {
        return new Problem(BASE_URI + slug, title, status, detail, null, reason);
    }

    public ProblemException exception(String detail) {
        return new ProblemException(problem(detail));
    }
}
