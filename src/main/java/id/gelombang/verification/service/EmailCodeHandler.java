package id.gelombang.verification.service;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.crypto.OneTimeCodes;
import id.gelombang.registration.persistence.Registration;
import id.gelombang.registration.service.PersonalDataCodec;
import id.gelombang.registration.service.PersonalRecord;
import id.gelombang.verification.VerificationConfig;
import id.gelombang.verification.domain.EmailCodeRules;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.mail.EmailSender;
import id.gelombang.verification.mail.OutgoingEmail;
import id.gelombang.verification.persistence.EmailCode;
import id.gelombang.verification.persistence.EmailDeliverability;
import id.gelombang.verification.persistence.JobQueue.ClaimedJob;
import id.gelombang.common.funnel.FunnelStage;
import id.gelombang.common.funnel.FunnelCounters;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Mails the registration's current email code, within the mail service's rate and daily quota.
 * The effect recorded is which issue went out: its ten minutes start then.
 */
@ApplicationScoped
public class EmailCodeHandler implements JobHandler<Integer> {

    static final String GATE = EmailGate.NAME;

    private final EmailSender sender;
    private final EmailDeliverability deliverability;
    private final OutboundPacer pacer;
    private final OneTimeCodes codes;
    private final PersonalDataCodec personalData;
    private final FunnelCounters funnel;
    private final VerificationConfig.Email config;
    private final SendGuard guard;
    private final Clock clock;

    public EmailCodeHandler(EmailSender sender, EmailDeliverability deliverability, OutboundPacer pacer, OneTimeCodes codes,
            PersonalDataCodec personalData, FunnelCounters funnel, VerificationConfig config, SendGuard guard, Clock clock) {
        this.sender = sender;
        this.deliverability = deliverability;
        this.pacer = pacer;
        this.codes = codes;
        this.personalData = personalData;
        this.funnel = funnel;
        this.config = config.email();
        this.guard = guard;
        this.clock = clock;
    }

    @Override
    public JobKind kind() {
        return JobKind.EMAIL_CODE;
    }

    private record Addressee(PersonalRecord person, int issue) {
    }

    @Override
    public JobResult<Integer> perform(ClaimedJob job) {
        // The address's digest is recorded before the mail goes, so its bounce, however quick, finds it.
        Addressee addressee = Blocking.await(() -> Panache.withTransaction(() -> Registration.<Registration>findById(job.registrationId())
                .chain(registration -> EmailCode.<EmailCode>findById(job.registrationId()).map(code ->
                        registration == null || registration.personalData == null || code == null || registration.emailVerified
                                || code.usedAt != null || registration.emailUndeliverable != null
                                ? null
                                : new Addressee(personalData.open(registration.id, registration.personalData), code.issue)))
                .call(found -> found == null ? Uni.createFrom().voidItem()
                        : deliverability.remember(job.registrationId(), deliverability.digest(found.person().email())))));
        if (addressee == null) {
            return new JobResult.Completed<>(null); // verified meanwhile, erased, gone, or the address bounced: nothing to mail
        }
        if (!pacer.awaitSlot(GATE, config.ratePerSecond(), config.dailyQuota())) {
            return new JobResult.Deferred<>(pacer.quotaResetsAt(), "email-daily-quota");
        }
        if (!guard.stillSendable(job.registrationId(), false)) {
            return new JobResult.Completed<>(null); // withdrawn or erased while it waited for its slot
        }
        String code = codes.code(job.registrationId(), addressee.issue());
        try {
            sender.send(message(addressee.person(), code));
        } catch (EmailSender.SendThrottled e) {
            Duration wait = Duration.ofMillis(ThreadLocalRandom.current().nextLong(2_000, 10_000));
            return new JobResult.Deferred<>(clock.instant().plus(wait), e.getMessage());
        } catch (EmailSender.SendRefused e) {
            return new JobResult.Refused<>(e.getMessage());
        } catch (EmailSender.SendFailed e) {
            return new JobResult.Failed<>(e.getMessage());
        }
        return new JobResult.Completed<>(addressee.issue());
    }

    static OutgoingEmail message(PersonalRecord person, String code) {
        long minutes = EmailCodeRules.CODE_LIFETIME.toMinutes();
        return new OutgoingEmail(person.email(), "Kode verifikasi Gelombang: " + code, """
                Halo %s,

                Kode verifikasi email Anda: %s
                Kode ini berlaku %d menit dan hanya dapat dipakai sekali.

                Your Gelombang email verification code is %s. It works once, for %d minutes.
                """.formatted(person.fullName(), code, minutes, code, minutes));
    }

    @Override
    public Uni<Void> record(ClaimedJob job, Integer issue) {
        if (issue == null) {
            return Uni.createFrom().voidItem();
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE email_code SET sent_at = :now
                WHERE registration_id = :id AND issue = :issue AND used_at IS NULL""")
                .setParameter("now", now)
                .setParameter("id", job.registrationId())
                .setParameter("issue", issue)
                .executeUpdate())
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> giveUp(ClaimedJob job, String reason) {
        return Registration.<Registration>findById(job.registrationId()).chain(registration -> registration == null
                ? Uni.createFrom().voidItem()
                : funnel.move(registration.id, registration.waveId, null, FunnelStage.EMAIL_UNDELIVERABLE));
    }
}
