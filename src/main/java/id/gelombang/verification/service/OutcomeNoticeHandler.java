package id.gelombang.verification.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

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
import id.gelombang.wave.draw.WaveDraw;
import id.gelombang.wave.persistence.WaveDrawStatement;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Mails an outcome notice: what the registration's outcome is now (REJECTED, SELECTED,
 * NOT_SELECTED or VOIDED), named by its masked NIK and wave code only, from the status as it is
 * shown: the verdict of a draw not published yet is not mailed, its notice waits for the
 * publication. A notice yields to every code: it takes the email gate only when it is free at that
 * moment; when a code holds it, the notice waits for it to free up and then goes back to the queue,
 * where the worker takes any code that came meanwhile before the next notice.
 */
@ApplicationScoped
public class OutcomeNoticeHandler implements JobHandler<Void> {

    /** Longer waits for the gate put the notice back at once, with the gate's time as its due time. */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(10);

    private record Notice(Outcome outcome, PersonalRecord person, String waveCode) {
    }

    /** The registration holds a verdict of a draw not published yet; its notice waits until {@code until} (null: never). */
    private record Unpublished(Instant until) {
    }

    private final EmailSender sender;
    private final EmailGate gate;
    private final PersonalDataCodec personalData;
    private final EmailDeliverability deliverability;
    private final ErasureStore erasure;
    private final VerificationConfig.Email config;
    private final SendGuard guard;
    private final WaveDrawStatement draws;
    private final Clock clock;

    public OutcomeNoticeHandler(EmailSender sender, EmailGate gate, PersonalDataCodec personalData,
            EmailDeliverability deliverability, ErasureStore erasure, VerificationConfig config, SendGuard guard,
            WaveDrawStatement draws, Clock clock) {
        this.sender = sender;
        this.gate = gate;
        this.personalData = personalData;
        this.deliverability = deliverability;
        this.erasure = erasure;
        this.config = config.email();
        this.guard = guard;
        this.draws = draws;
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
        Object found = Blocking.await(() -> Panache.withTransaction(() -> Registration.<Registration>findById(job.registrationId())
                .<Object>chain(r -> {
                    if (r == null) {
                        return Uni.createFrom().nullItem();
                    }
                    boolean hidden = r.shownStatus() != r.status;
                    if (!hidden && r.shownStatus() != RegistrationStatus.NOT_SELECTED) {
                        return noticeFor(r);
                    }
                    return draws.progress(r.waveId).chain(draw -> {
                        if (hidden) {
                            return Uni.createFrom().item(new Unpublished(untilPublished(draw.drawnAt(), draw.runningUntil(), clock.instant())));
                        }
                        // A notice queued as SELECTED by a draw that stopped unpublished, whose next run did
                        // not select the registration: the wave asked for no word to those not selected.
                        return draw.notifyNotSelected() ? noticeFor(r) : Uni.createFrom().nullItem();
                    });
                })));
        if (found instanceof Unpublished unpublished) {
            // Nobody is told a verdict before its draw is published; one that never is, is never told.
            return unpublished.until() == null ? new JobResult.Completed<>(null)
                    : new JobResult.Deferred<>(unpublished.until(), "draw-not-published");
        }
        Notice notice = (Notice) found;
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

    /** The notice this registration is told as it is shown now, its address remembered; null: none. */
    private Uni<Object> noticeFor(Registration r) {
        Outcome outcome = outcomeOf(r.shownStatus(), r.nikReason);
        if (outcome == null || r.personalData == null || r.emailUndeliverable != null) {
            return Uni.createFrom().nullItem();
        }
        Notice notice = new Notice(outcome, personalData.open(r.id, r.personalData), r.waveCode);
        return deliverability.remember(r.id, deliverability.digest(notice.person().email())).replaceWith((Object) notice);
    }

    /**
     * Until when the notice of a verdict whose draw was not published when it was read waits: at once
     * when the draw was published since; while a call is making the draw, until that call has published
     * it or never will; null when no call is making it (it stopped unpublished, and its next run
     * queues the notice again).
     */
    static Instant untilPublished(Instant drawnAt, Instant drawRunningUntil, Instant now) {
        if (drawnAt != null) {
            return now;
        }
        if (drawRunningUntil == null) {
            return null;
        }
        Instant publishedBy = WaveDraw.publishedBy(drawRunningUntil);
        return now.isBefore(publishedBy) ? publishedBy : null;
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
