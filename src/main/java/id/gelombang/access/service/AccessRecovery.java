package id.gelombang.access.service;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import id.gelombang.access.domain.AccessCodeRules;
import id.gelombang.access.domain.AccessCodeRules.Identity;
import id.gelombang.access.persistence.AccessCodeStore;
import id.gelombang.access.persistence.AccessCodeStore.CodeRequest;
import id.gelombang.common.audit.OperatorAction;
import id.gelombang.common.audit.OperatorAudit;
import id.gelombang.common.crypto.OneTimeCodes;
import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.domain.EmailAddress;
import id.gelombang.registration.domain.RegistrationStatus;
import id.gelombang.registration.persistence.Registration;
import id.gelombang.registration.service.PersonalDataCodec;
import id.gelombang.registration.service.PersonalRecord;
import id.gelombang.verification.domain.EmailCodeRules;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.persistence.EmailCode;
import id.gelombang.verification.persistence.JobQueue;
import id.gelombang.verification.service.EmailVerificationService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Support's way back for a registrant who lost their mailbox, after support has checked their
 * identity outside the system (runbook: "A registrant lost access to their email"): the latest
 * registration of the NIK that is not withdrawn gets the new address, unverified, and an access
 * code is mailed there at once, whatever the NIK's hourly limits; an email code follows so the new
 * address can be verified as the first one was. The old address, and any code mailed to it, stop
 * counting. One transaction under the registration's row lock, with its audit entry (the
 * registration's id and the support ticket; never the address or the NIK).
 */
@ApplicationScoped
public class AccessRecovery {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What support tells the registrant: which registration now mails where (masked). */
    public record Recovered(String registrationId, String waveCode, RegistrationStatus status, String email) {
    }

    private final AccessCodeStore store;
    private final AccessSecrets secrets;
    private final PersonalDataCodec personalData;
    private final OneTimeCodes emailCodes;
    private final JobQueue jobs;
    private final EmailVerificationService addresses;
    private final OperatorAudit audit;
    private final Clock clock;

    public AccessRecovery(AccessCodeStore store, AccessSecrets secrets, PersonalDataCodec personalData, OneTimeCodes emailCodes,
            JobQueue jobs, EmailVerificationService addresses, OperatorAudit audit, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.personalData = personalData;
        this.emailCodes = emailCodes;
        this.jobs = jobs;
        this.addresses = addresses;
        this.audit = audit;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<Recovered> recover(String nik, String birthDate, String email, String ticket, String actor) {
        FieldErrors errors = new FieldErrors();
        Identity identity = AccessCodeRules.identity(nik, birthDate, today(), errors);
        String address = EmailAddress.normalise(email, "email", errors);
        AccessCodeRules.checkTicket(ticket, errors);
        AccessCodes.failIfInvalid(errors, "The recovery has invalid fields.");
        String digits = identity.nik().digits();
        byte[] nikDigest = secrets.nikDigest(digits);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return latestRegistrationForUpdate(nikDigest).chain(registration -> {
            PersonalRecord person = registration == null ? null : personalData.open(registration.id, registration.personalData);
            if (person == null || !person.birthDate().equals(identity.birthDate())) {
                throw ProblemType.NOT_FOUND.exception("No registration that is not withdrawn has this NIK and birth date.");
            }
            Uni<Void> readdressed = addresses.readdressByOperator(registration, address);
            registration.updatedAt = now;
            long nonce = RANDOM.nextLong();
            CodeRequest code = new CodeRequest(nikDigest, secrets.birthDigest(digits, identity.birthDate()), nonce,
                    secrets.codeDigest(digits, secrets.code(digits, nonce)), null, now);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("registrationId", registration.id.toString());
            details.put("ticket", ticket);
            return readdressed
                    .chain(() -> newEmailCode(registration.id, now))
                    .chain(() -> store.requestUnlimited(code))
                    .chain(() -> audit.record(actor, OperatorAction.RECOVER_ACCESS, registration.waveCode, details, now))
                    .map(recorded -> new Recovered(registration.id.toString(), registration.waveCode, registration.shownStatus(),
                            EmailAddress.mask(address)));
        });
    }

    /** The NIK's latest registration that still holds personal data and is not withdrawn, locked; null when none. */
    private static Uni<Registration> latestRegistrationForUpdate(byte[] nikDigest) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT id FROM registration
                WHERE nik_digest = :digest AND status <> 'WITHDRAWN' AND erased_at IS NULL AND personal_data IS NOT NULL
                ORDER BY created_at DESC, id DESC LIMIT 1
                FOR UPDATE""", UUID.class)
                .setParameter("digest", nikDigest)
                .getResultList())
                .chain((List<UUID> ids) -> ids.isEmpty() ? Uni.createFrom().nullItem()
                        : Registration.<Registration>findById(ids.get(0)));
    }

    /**
     * The code mailed to the old address stops working: a new issue, mailed to the new address by
     * the email worker (resend is allowed at once too).
     */
    private Uni<Void> newEmailCode(UUID registrationId, Instant now) {
        return EmailCode.<EmailCode>findById(registrationId, LockModeType.PESSIMISTIC_WRITE).chain(found -> {
            EmailCode code = found;
            if (code == null) {
                code = new EmailCode();
                code.registrationId = registrationId;
                code.issue = 0;
            }
            code.issue++;
            code.codeDigest = emailCodes.digest(registrationId, emailCodes.code(registrationId, code.issue));
            code.requestedAt = now.minus(EmailCodeRules.RESEND_INTERVAL);
            code.sentAt = null;
            code.usedAt = null;
            code.failedAttempts = 0;
            code.lockedUntil = null;
            return (found == null ? code.persist().replaceWithVoid() : Uni.createFrom().voidItem())
                    .chain(() -> jobs.requestAgain(registrationId, JobKind.EMAIL_CODE, now));
        });
    }

    /** Dates of birth are calendar dates in Indonesia's capital, as registration counts them. */
    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneId.of("Asia/Jakarta"));
    }
}
