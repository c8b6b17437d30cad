package id.gelombang.verification.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import id.gelombang.common.crypto.OneTimeCodes;
import id.gelombang.common.database.Deadline;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.domain.FieldErrors;
import id.gelombang.registration.persistence.Registration;
import id.gelombang.registration.service.RegistrationAccess;
import id.gelombang.registration.service.RegistrationQueries;
import id.gelombang.registration.service.RegistrationView;
import id.gelombang.verification.domain.EmailCodeRules;
import id.gelombang.verification.domain.EmailCodeRules.Verdict;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.persistence.EmailCode;
import id.gelombang.verification.persistence.JobQueue;
import id.gelombang.wave.FunnelStage;
import id.gelombang.wave.persistence.FunnelCounters;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * The registrant's side of email verification: presenting the mailed code, and asking for a new
 * one. The code row is locked for the check, so concurrent guesses are counted one by one.
 */
@ApplicationScoped
public class EmailVerificationService {

    /** How a presented code was taken. A wrong code is an answer, not an error: its count must commit. */
    public sealed interface Outcome {
        record Verified(RegistrationView registration) implements Outcome {
        }

        record WrongCode(int attemptsLeft) implements Outcome {
        }

        record Locked(Duration retryAfter) implements Outcome {
        }
    }

    private final RegistrationAccess access;
    private final RegistrationQueries queries;
    private final OneTimeCodes codes;
    private final JobQueue jobs;
    private final FunnelCounters funnel;
    private final Deadline deadline;
    private final Clock clock;

    public EmailVerificationService(RegistrationAccess access, RegistrationQueries queries, OneTimeCodes codes,
            JobQueue jobs, FunnelCounters funnel, Deadline deadline, Clock clock) {
        this.access = access;
        this.queries = queries;
        this.codes = codes;
        this.jobs = jobs;
        this.funnel = funnel;
        this.deadline = deadline;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<Outcome> verify(String registrationId, String authorization, String code) {
        // The registration row first, then its code row (the order every path here takes).
        return deadline.bound(access.authorizeForUpdate(registrationId, authorization).chain(registration -> {
            if (!EmailCodeRules.looksLikeCode(code)) {
                FieldErrors errors = new FieldErrors();
                errors.add("code", "must be the 6 digits from the email");
                throw new ProblemException(ProblemType.VALIDATION.problem("The code is not 6 digits.", errors.list()));
            }
            return EmailCode.<EmailCode>findById(registration.id, LockModeType.PESSIMISTIC_WRITE)
                    .chain(stored -> check(registration, stored, code));
        }));
    }

    private Uni<Outcome> check(Registration registration, EmailCode stored, String code) {
        Instant now = clock.instant();
        if (stored == null) {
            // Registered before email codes existed: nothing was ever mailed; resend issues a code.
            return Uni.createFrom().item(new Outcome.WrongCode(EmailCodeRules.MAX_WRONG_CODES));
        }
        Verdict verdict = EmailCodeRules.verdict(stored.state(), codes.matches(registration.id, code, stored.codeDigest), now);
        switch (verdict) {
            case LOCKED:
                return Uni.createFrom().item(new Outcome.Locked(Duration.between(now, stored.lockedUntil)));
            case REJECTED:
                stored.failedAttempts = EmailCodeRules.wrongAttemptsBefore(stored.state(), now) + 1;
                stored.lockedUntil = stored.failedAttempts >= EmailCodeRules.MAX_WRONG_CODES
                        ? now.plus(EmailCodeRules.LOCKOUT)
                        : null;
                return Uni.createFrom().item(new Outcome.WrongCode(
                        Math.max(0, EmailCodeRules.MAX_WRONG_CODES - stored.failedAttempts)));
            default:
                stored.usedAt = now;
                stored.failedAttempts = 0;
                registration.emailVerified = true;
                registration.updatedAt = now;
                return funnel.move(registration.id, registration.waveId, null, FunnelStage.EMAIL_VERIFIED)
                        .replaceWith(() -> new Outcome.Verified(queries.toView(registration)));
        }
    }

    /** Issues a new code and queues it for mailing; at most once a minute. */
    @WithTransaction
    public Uni<Void> resend(String registrationId, String authorization) {
        // Locked like verify, so "already verified" is decided on the latest row.
        return deadline.bound(access.authorizeForUpdate(registrationId, authorization).chain(registration ->
                EmailCode.<EmailCode>findById(registration.id, LockModeType.PESSIMISTIC_WRITE)
                        .chain(found -> found != null ? Uni.createFrom().item(found) : firstCode(registration))
                        .chain(stored -> reissue(registration, stored))));
    }

    private Uni<Void> reissue(Registration registration, EmailCode stored) {
        Instant now = clock.instant();
        if (registration.emailVerified) {
            throw ProblemType.EMAIL_ALREADY_VERIFIED.exception("This email address is already verified.");
        }
        Instant allowedAt = EmailCodeRules.nextResendAt(stored.requestedAt);
        if (now.isBefore(allowedAt)) {
            throw new ProblemException(ProblemType.TOO_MANY_REQUESTS.problem("A new code can be asked for once a minute."),
                    Map.of("Retry-After", retryAfterSeconds(Duration.between(now, allowedAt))));
        }
        stored.issue++;
        stored.codeDigest = codes.digest(registration.id, codes.code(registration.id, stored.issue));
        stored.requestedAt = now;
        stored.sentAt = null;
        stored.failedAttempts = EmailCodeRules.wrongAttemptsBefore(stored.state(), now);
        return jobs.requestAgain(registration.id, JobKind.EMAIL_CODE, now);
    }

    /** A code record for a registration that has none (registered before email codes existed). */
    private Uni<EmailCode> firstCode(Registration registration) {
        EmailCode code = new EmailCode();
        code.registrationId = registration.id;
        code.issue = 0;
        code.requestedAt = clock.instant().minus(EmailCodeRules.RESEND_INTERVAL);
        code.codeDigest = new byte[0];
        return code.persist().replaceWith(code);
    }

    /** Whole seconds, rounded up, at least 1: what a Retry-After header carries. */
    public static String retryAfterSeconds(Duration wait) {
        long millis = Math.max(wait.toMillis(), 1);
        return Long.toString((millis + 999) / 1000);
    }
}
