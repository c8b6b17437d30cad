package id.gelombang.access.service;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.access.domain.AccessCodeRules;
import id.gelombang.access.domain.AccessCodeRules.Identity;
import id.gelombang.access.persistence.AccessCodeStore;
import id.gelombang.access.persistence.AccessCodeStore.CodeRequest;
import id.gelombang.common.crypto.Digests;
import id.gelombang.common.database.Deadline;
import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.domain.RegistrationStatus;
import id.gelombang.registration.service.RegistrationToken;
import io.smallrye.mutiny.Uni;

/**
 * Coming back to a registration without its token: a code mailed to the registration's address
 * is exchanged for a new token. Nobody learns from either call whether a NIK is registered: the
 * same answer and the same work (every digest computed, one statement that runs the same
 * statements) whether or not a registration matches, the birth date is right or a limit is reached.
 */
@ApplicationScoped
public class AccessCodes {

    /** The one answer to every well-formed request for a code. */
    public static final String ON_ITS_WAY = "If this NIK and birth date belong to a registration, a 6-digit code is on"
            + " its way to that registration's email address. It works once, for 10 minutes. A NIK can be sent at most"
            + " 3 codes an hour, one a minute.";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A registration opened with a code: its new (and only) token. */
    public record Granted(String id, String registrationToken, String waveCode, RegistrationStatus status) {
    }

    private final AccessCodeStore store;
    private final AccessSecrets secrets;
    private final Deadline deadline;
    private final Clock clock;

    public AccessCodes(AccessCodeStore store, AccessSecrets secrets, Deadline deadline, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.deadline = deadline;
        this.clock = clock;
    }

    /** Issues a code if the NIK has a registration and its limits allow; the same answer in every case. */
    public Uni<Void> request(String idempotencyKey, String nik, String birthDate) {
        FieldErrors errors = new FieldErrors();
        Identity identity = AccessCodeRules.identity(nik, birthDate, today(), errors);
        failIfInvalid(errors, "The request has invalid fields.");
        String digits = identity.nik().digits();
        long nonce = RANDOM.nextLong();
        CodeRequest request = new CodeRequest(secrets.nikDigest(digits), secrets.birthDigest(digits, identity.birthDate()),
                nonce, secrets.codeDigest(digits, secrets.code(digits, nonce)),
                idempotencyKey == null ? null : Digests.sha256(idempotencyKey), now());
        return deadline.bound(store.request(request));
    }

    /** A new token for the registration the code was mailed for; 422 for any code that does not open it. */
    public Uni<Granted> open(String nik, String birthDate, String code) {
        FieldErrors errors = new FieldErrors();
        Identity identity = AccessCodeRules.identity(nik, birthDate, today(), errors);
        AccessCodeRules.checkCode(code, errors);
        failIfInvalid(errors, "The request has invalid fields.");
        String digits = identity.nik().digits();
        String token = RegistrationToken.generate();
        return deadline.bound(store.open(secrets.nikDigest(digits), secrets.birthDigest(digits, identity.birthDate()),
                secrets.codeDigest(digits, code), RegistrationToken.digest(token), now()))
                .map(opened -> {
                    if (opened == null) {
                        throw ProblemType.INVALID_ACCESS_CODE.exception("The code is wrong, used or expired, or it was not"
                                + " sent for this NIK and birth date. Ask for a new code.");
                    }
                    return new Granted(opened.id().toString(), token, opened.waveCode(), opened.status());
                });
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static void failIfInvalid(FieldErrors errors, String detail) {
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION.problem(detail, errors.list()));
        }
    }

    /** Dates of birth are calendar dates in Indonesia's capital, as registration counts them. */
    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneId.of("Asia/Jakarta"));
    }
}
