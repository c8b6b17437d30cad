package id.gelombang.verification.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import id.gelombang.common.crypto.OneTimeCodes;
import id.gelombang.common.database.Deadline;
import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.domain.EmailAddress;
import id.gelombang.registration.persistence.Registration;
import id.gelombang.registration.service.EmailUses;
import id.gelombang.registration.service.PersonalDataCodec;
import id.gelombang.registration.service.RegistrationAccess;
import id.gelombang.registration.service.RegistrationQueries;
import id.gelombang.registration.service.RegistrationView;
import id.gelombang.verification.domain.EmailChangeRules;
import id.gelombang.verification.domain.EmailCodeRules;
import id.gelombang.verification.domain.EmailCodeRules.Verdict;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.domain.NikCheckPriority;
import id.gelombang.verification.persistence.EmailCode;
import id.gelombang.verification.persistence.EmailDeliverability;
import id.gelombang.verification.persistence.JobQueue;
import id.gelombang.common.funnel.FunnelStage;
import id.gelombang.common.funnel.FunnelCounters;
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
    private final PersonalDataCodec personalData;
    private final EmailDeliverability deliverability;
    private final OneTimeCodes codes;
    private final JobQueue jobs;
    private final FunnelCounters funnel;
    private final Deadline deadline;
    private final EmailUses emailUses;
    private final Clock clock;

    public EmailVerificationService(RegistrationAccess access, RegistrationQueries queries, PersonalDataCodec personalData,
            EmailDeliverability deliverability, OneTimeCodes codes, JobQueue jobs, FunnelCounters funnel, Deadline deadline,
            EmailUses emailUses, Clock clock) {
        this.access = access;
        this.queries = queries;
        this.personalData = personalData;
        this.deliverability = deliverability;
        this.codes = codes;
        this.jobs = jobs;
        this.funnel = funnel;
        this.deadline = deadline;
        this.emailUses = emailUses;
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
                // A proven address moves the registration's NIK check ahead of unverified ones.
                return funnel.move(registration.id, registration.waveId, null, FunnelStage.EMAIL_VERIFIED)
                        .chain(() -> jobs.prioritise(registration.id, JobKind.NIK_CHECK, NikCheckPriority.EMAIL_VERIFIED.value(), now))
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
        if (registration.personalData == null) {
            throw RegistrationAccess.erased();
        }
        if (registration.emailVerified) {
            throw ProblemType.EMAIL_ALREADY_VERIFIED.exception("This email address is already verified.");
        }
        if (registration.emailUndeliverable != null) {
            throw ProblemType.EMAIL_UNDELIVERABLE.exception(
                    "Mail to this address came back. Correct the address (PUT /v1/registrations/{id}/email); a new code goes to it.");
        }
        notTooSoon(stored, now);
        newIssue(registration, stored, now);
        return jobs.requestAgain(registration.id, JobKind.EMAIL_CODE, now);
    }

    /** At most one new code a minute, whatever asks for it. */
    private static void notTooSoon(EmailCode stored, Instant now) {
        Instant allowedAt = EmailCodeRules.nextResendAt(stored.requestedAt);
        if (now.isBefore(allowedAt)) {
            throw new ProblemException(ProblemType.TOO_MANY_REQUESTS.problem("A new code can be asked for once a minute."),
                    Map.of("Retry-After", retryAfterSeconds(Duration.between(now, allowedAt))));
        }
    }

    /** The next issue of the code: the previous one stops working; the email job mails this one. */
    private void newIssue(Registration registration, EmailCode stored, Instant now) {
        stored.issue++;
        stored.codeDigest = codes.digest(registration.id, codes.code(registration.id, stored.issue));
        stored.requestedAt = now;
        stored.sentAt = null;
        stored.failedAttempts = EmailCodeRules.wrongAttemptsBefore(stored.state(), now);
    }

    /**
     * Replaces the registration's email address (a mistyped one, or one that bounced) and mails a
     * new code to it through the email job. Allowed while the address is not verified, or once mail
     * to it came back; a verified address that receives mail stays. The new address is sealed with
     * the rest of the personal data and only its keyed digest is kept beside it.
     */
    @WithTransaction
    public Uni<RegistrationView> changeAddress(String registrationId, String authorization, String address) {
        // The registration row first, then its code row (the order every path here takes).
        return deadline.bound(access.authorizeForUpdate(registrationId, authorization).chain(registration -> {
            FieldErrors errors = new FieldErrors();
            String normalised = EmailAddress.normalise(address, "address", errors);
            if (normalised == null) {
                throw new ProblemException(ProblemType.VALIDATION.problem("The email address is not valid.", errors.list()));
            }
            if (registration.personalData == null) {
                throw RegistrationAccess.erased();
            }
            if (registration.emailVerified && registration.emailUndeliverable == null) {
                throw ProblemType.EMAIL_ALREADY_VERIFIED.exception("A verified address that receives mail cannot be changed.");
            }
            Instant now = clock.instant();
            EmailChangeRules.Changes changes = new EmailChangeRules.Changes(registration.emailChanges, registration.emailChangesSince);
            Instant blockedUntil = changes.blockedUntil(now);
            if (blockedUntil != null) {
                throw new ProblemException(ProblemType.TOO_MANY_REQUESTS.problem(
                        "The address was changed " + EmailChangeRules.MAX_CHANGES + " times today; try again later."),
                        Map.of("Retry-After", retryAfterSeconds(Duration.between(now, blockedUntil))));
            }
            return EmailCode.<EmailCode>findById(registration.id, LockModeType.PESSIMISTIC_WRITE)
                    .chain(found -> found != null ? Uni.createFrom().item(found) : firstCode(registration))
                    .chain(stored -> replaceAddress(registration, stored, normalised, changes.plusOne(now), now));
        }));
    }

    private Uni<RegistrationView> replaceAddress(Registration registration, EmailCode stored, String address,
            EmailChangeRules.Changes changes, Instant now) {
        notTooSoon(stored, now);
        Uni<Void> counted = readdress(registration, address);
        registration.emailChanges = (short) changes.count();
        registration.emailChangesSince = changes.since();
        registration.updatedAt = now;
        stored.usedAt = null;
        newIssue(registration, stored, now);
        return counted.chain(() -> jobs.requestAgain(registration.id, JobKind.EMAIL_CODE, now))
                .replaceWith(() -> queries.toView(registration));
    }

    /**
     * Gives a registration, read with its row lock, a new address: its use of the wave's per-address
     * limit moved to it (409 email-limit, and nothing changed, when the address is used up), sealed in
     * its personal data, its digest recorded so that its bounces find the registration, deliverable
     * and not yet verified, and the funnel moved out of the stages the old address had reached. The
     * caller issues the code.
     */
    public Uni<Void> readdress(Registration registration, String address) {
        return emailUses.moveTo(registration, address).chain(() -> addressed(registration, address));
    }

    /** As {@link #readdress}, for the help desk's audited recovery: the per-address limit does not refuse it. */
    public Uni<Void> readdressByOperator(Registration registration, String address) {
        return emailUses.moveToPastTheLimit(registration, address).chain(() -> addressed(registration, address));
    }

    private Uni<Void> addressed(Registration registration, String address) {
        registration.personalData = personalData.seal(registration.id,
                personalData.open(registration.id, registration.personalData).withEmail(address));
        registration.emailDigest = deliverability.digest(address);
        Uni<Void> counted = Uni.createFrom().voidItem();
        if (registration.emailUndeliverable != null) {
            counted = counted.chain(() -> funnel.move(registration.id, registration.waveId, FunnelStage.EMAIL_UNDELIVERABLE, null));
        }
        if (registration.emailVerified) {
            counted = counted.chain(() -> funnel.move(registration.id, registration.waveId, FunnelStage.EMAIL_VERIFIED, null));
        }
        registration.emailUndeliverable = null;
        registration.emailUndeliverableAt = null;
        registration.emailVerified = false;
        return counted;
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
