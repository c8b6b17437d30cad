package id.gelombang.verification.service;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.registration.domain.Nik;
import id.gelombang.registration.domain.NikRejection;
import id.gelombang.registration.domain.RegistrationStatus;
import id.gelombang.registration.persistence.ErasureStore;
import id.gelombang.registration.persistence.Registration;
import id.gelombang.registration.service.PersonalDataCodec;
import id.gelombang.registration.service.PersonalRecord;
import id.gelombang.verification.VerificationConfig;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.mail.EmailSender;
import id.gelombang.verification.mail.EmailTexts;
import id.gelombang.verification.mail.EmailTexts.Outcome;
import id.gelombang.verification.persistence.EmailDeliverability;
import id.gelombang.verification.persistence.JobQueue.ClaimedJob;
import id.gelombang.verification.persistence.OutboundGate.Reservation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Mails an outcome notice: what the registration's outcome is now (REJECTED, SELECTED,
 * NOT_SELECTED or VOIDED), named by its masked NIK and wave code only. A notice yields to every code: it
 * takes the email gate only when it is free at that moment; when a code holds it, the notice waits
 * for it to free up and then goes back to the queue, where the worker takes any code that came
 * meanwhile before the next notice.
 */
@ApplicationScoped
public class OutcomeNoticeHandler implements JobHandler<Void> {

    /** Longer waits for the gate put the notice back at once, with the gate's time as its due time. */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(10);

    private record Notice(Outcome outcome, PersonalRecord person, String waveCode) {
    }

    private final EmailSender sender;
    private final EmailGate gate;
    private final PersonalDataCodec personalData;
    private final EmailDeliverability deliverability;
    private final ErasureStore erasure;
    private final VerificationConfig.Email config;
    private final SendGuard guard;
    private final Clock clock;

    public OutcomeNoticeHandler(EmailSender sender, EmailGate gate, PersonalDataCodec personalData,
            EmailDeliverability deliverability, ErasureStore erasure, VerificationConfig config, SendGuard guard, Clock clock) {
        this.sender = sender;
        this.gate = gate;
        this.personalData = personalData;
        this.deliverability = deliverability;
        this.erasure = erasure;
        this.config = config.email();
        this.guard = guard;
        this.clock = clock;
    }

    @Override
    public JobKind kind() {
        return JobKind.OUTCOME_NOTICE;
    }

    @Override
    public JobResult<Void> perform(ClaimedJob job) {
        // Nothing goes to an address that bounced or complained (SES counts every bounce against the
        // account); the digest of the one mailed is recorded first, so that its bounce finds it.
        Notice notice = Blocking.await(() -> Panache.withTransaction(() -> Registration.<Registration>findById(job.registrationId())
                .map(r -> {
                    Outcome outcome = r == null ? null : outcomeOf(r.status, r.nikReason);
                    return outcome == null || r.personalData == null || r.emailUndeliverable != null ? null
                            : new Notice(outcome, personalData.open(r.id, r.personalData), r.waveCode);
                })
                .call(found -> found == null ? Uni.createFrom().voidItem()
                        : deliverability.remember(job.registrationId(), deliverability.digest(found.person().email())))));
        if (notice == null) {
            return new JobResult.Completed<>(null); // withdrawn, erased, undeliverable, or nothing decided to tell
        }
        Reservation slot = gate.forNotice();
        if (slot instanceof Reservation.QuotaUsedUp) {
            return new JobResult.Deferred<>(gate.quotaResetsAt(), "email-notice-share-used");
        }
        if (slot instanceof Reservation.Busy busy) {
            Duration wait = Duration.between(clock.instant(), busy.until());
            if (wait.compareTo(LONGEST_WAIT) > 0) {
                return new JobResult.Deferred<>(busy.until(), "email-busy-with-codes");
            }
            Blocking.pause(wait);
            return new JobResult.Deferred<>(clock.instant(), "email-busy-with-codes");
        }
        if (!guard.stillSendable(job.registrationId(), true)) {
            return new JobResult.Completed<>(null); // withdrawn or erased while it waited for its slot
        }
        return Mailing.send(sender, EmailTexts.outcome(notice.person().email(), notice.outcome(),
                Nik.mask(notice.person().nik()), notice.waveCode(), config.siteUrl()), null, clock);
    }

    /** What a registration in this status is told; null: nothing decided (or withdrawn). */
    static Outcome outcomeOf(RegistrationStatus status, NikRejection nikReason) {
        return switch (status) {
            case REJECTED -> nikReason == NikRejection.EMAIL_UNPROVEN_WHEN_CONTESTED ? Outcome.RELEASED_EMAIL_UNCONFIRMED
                    : Outcome.NIK_REJECTED;
            case SELECTED -> Outcome.SELECTED;
            case NOT_SELECTED -> Outcome.NOT_SELECTED;
            case VOIDED -> Outcome.VOIDED;
            case REGISTERED, WITHDRAWN -> null;
        };
    }

    @Override
    public Uni<Void> record(ClaimedJob job, Void effect) {
        return eraseIfVoided(job);
    }

    @Override
    public Uni<Void> giveUp(ClaimedJob job, String reason) {
        return eraseIfVoided(job);
    }

    /**
     * A voided registration kept its sealed record only for this notice: mailed, or never to be
     * (undeliverable, given up), it is erased now.
     */
    private Uni<Void> eraseIfVoided(ClaimedJob job) {
        return Registration.<Registration>findById(job.registrationId())
                .chain(r -> r != null && r.status == RegistrationStatus.VOIDED && r.personalData != null
                        ? erasure.eraseSealedRecord(job.registrationId(), clock.instant()).replaceWithVoid()
                        : Uni.createFrom().voidItem());
    }
}
