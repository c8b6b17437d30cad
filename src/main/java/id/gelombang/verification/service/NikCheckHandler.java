package id.gelombang.verification.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.registration.domain.NikRejection;
import id.gelombang.registration.domain.NikStatus;
import id.gelombang.registration.persistence.Registration;
import id.gelombang.registration.persistence.RegistrationStore;
import id.gelombang.registration.service.PersonalDataCodec;
import id.gelombang.registration.service.PersonalRecord;
import id.gelombang.verification.VerificationConfig;
import id.gelombang.verification.domain.ClaimScope;
import id.gelombang.verification.domain.ContestedHold;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.domain.NikCheckPriority;
import id.gelombang.verification.domain.RegistryQuotaShare;
import id.gelombang.verification.dukcapil.DukcapilAnswer;
import id.gelombang.verification.dukcapil.DukcapilClient;
import id.gelombang.verification.dukcapil.DukcapilRefused;
import id.gelombang.verification.dukcapil.DukcapilThrottled;
import id.gelombang.verification.dukcapil.DukcapilUnavailable;
import id.gelombang.verification.dukcapil.NikCheckRequest;
import id.gelombang.verification.persistence.EmailCode;
import id.gelombang.verification.persistence.JobQueue;
import id.gelombang.verification.persistence.JobQueue.ClaimedJob;
import id.gelombang.common.funnel.FunnelStage;
import id.gelombang.common.funnel.FunnelCounters;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Checks a registration's NIK with the civil registry at the configured rate and daily quota,
 * registrants who proved their email first (RegistryQuotaShare). Quota used up, the registry
 * throttling us or the circuit being open make the job wait without using up its attempts; a
 * registry that is down (no answer, 5xx) is retried with capped backoff for as long as it is down,
 * and no check ever ends for that. A registry that refuses this one request (a 4xx about what it
 * holds) is retried like any failure, and when the attempts run out the check ends REJECTED
 * ({@link NikRejection#NIK_NOT_CHECKABLE}) and releases the NIK, as a mismatch would: nothing holds a NIK for ever.
 * A contested NIK whose holder has not proved its email address is not sent to the registry while
 * the quota is kept for registrants who proved theirs: it is kept for the contest's grace and then
 * released ({@link ContestedHold}).
 */
@ApplicationScoped
public class NikCheckHandler implements JobHandler<NikCheckHandler.Verdict> {

    static final String GATE = "dukcapil";
    /** How long jobs wait while no registry is configured. */
    static final Duration UNCONFIGURED_WAIT = Duration.ofMinutes(5);

    public record Verdict(NikStatus status, NikRejection reason) {
    }

    /** What the check needs of its registration: its sealed record and how its NIK is held. */
    private record Holder(PersonalRecord person, ContestedHold.Decision hold) {
    }

    private final DukcapilClient dukcapil;
    private final OutboundPacer pacer;
    private final PersonalDataCodec personalData;
    private final FunnelCounters funnel;
    private final RegistrationStore store;
    private final OutcomeNotices notices;
    private final VerificationConfig.Dukcapil config;
    private final RegistryQuotaShare share;
    private final ContestedHold contestedHold;
    private final SendGuard guard;
    private final JobQueue jobs;
    private final Clock clock;

    public NikCheckHandler(DukcapilClient dukcapil, OutboundPacer pacer, PersonalDataCodec personalData,
            FunnelCounters funnel, RegistrationStore store, OutcomeNotices notices, VerificationConfig config, SendGuard guard,
            JobQueue jobs, Clock clock) {
        this.dukcapil = dukcapil;
        this.pacer = pacer;
        this.personalData = personalData;
        this.funnel = funnel;
        this.store = store;
        this.notices = notices;
        this.config = config.dukcapil();
        this.share = new RegistryQuotaShare(this.config.dailyQuota(), pacer.pacedPerSecond(this.config.ratePerSecond()),
                this.config.unverifiedReserve(), this.config.unverifiedAfter());
        this.contestedHold = new ContestedHold(this.config.contestGrace());
        this.guard = guard;
        this.jobs = jobs;
        this.clock = clock;
    }

    @Override
    public JobKind kind() {
        return JobKind.NIK_CHECK;
    }

    /**
     * Verified registrants' checks first; unverified ones only from quota left over; once today's is
     * used up, only contested ones (those held without a proved address are released without a call).
     */
    @Override
    public Optional<ClaimScope> claimScope(Instant now) {
        return share.claimable(pacer.usedToday(GATE), now, pacer.quotaResetsAt());
    }

    /** Only a contested holder without a proved address has its first code read: every other check goes on. */
    private Uni<ContestedHold.Decision> holdOf(Registration r) {
        if (!ContestedHold.applies(r.emailVerified, r.nikContestedAt)) {
            return Uni.createFrom().item(new ContestedHold.Decision.Check());
        }
        return EmailCode.<EmailCode>findById(r.id).map(code -> contestedHold.decide(r.emailVerified, r.nikContestedAt,
                r.emailUndeliverable != null, code == null ? 1 : code.issue, code == null ? null : code.sentAt, clock.instant()));
    }

    @Override
    public JobResult<Verdict> perform(ClaimedJob job) {
        Holder holder = Blocking.await(() -> Panache.withSession(() -> Registration
                .<Registration>findById(job.registrationId())
                .chain(r -> r == null || r.personalData == null || r.nikVerification != NikStatus.PENDING
                        ? Uni.createFrom().nullItem()
                        : holdOf(r).map(hold -> new Holder(personalData.open(r.id, r.personalData), hold)))));
        if (holder == null) {
            return new JobResult.Completed<>(null); // already decided, erased, or gone
        }
        // A contested NIK held without a proved address, while the quota is kept for proved registrants:
        // decided here, without the registry. With quota to spare the registry decides, as for any check.
        if (!(holder.hold() instanceof ContestedHold.Decision.Check)
                && !share.spareForUnverified(pacer.usedToday(GATE), clock.instant(), pacer.quotaResetsAt())) {
            return holder.hold() instanceof ContestedHold.Decision.Wait wait
                    ? new JobResult.Deferred<>(wait.at(), "contested-email-unproven")
                    : new JobResult.Completed<>(new Verdict(NikStatus.REJECTED, NikRejection.EMAIL_UNPROVEN_WHEN_CONTESTED));
        }
        if (!dukcapil.configured()) {
            return new JobResult.Deferred<>(clock.instant().plus(UNCONFIGURED_WAIT), "dukcapil-not-configured");
        }
        PersonalRecord person = holder.person();
        Optional<Instant> circuitOpenUntil = dukcapil.circuitOpenUntil();
        if (circuitOpenUntil.isPresent()) {
            return new JobResult.Deferred<>(circuitOpenUntil.get(), "dukcapil-circuit-open", true);
        }
        if (!pacer.awaitSlot(GATE, config.ratePerSecond(), config.dailyQuota())) {
            return new JobResult.Deferred<>(pacer.quotaResetsAt(), "dukcapil-daily-quota");
        }
        if (!guard.stillSendable(job.registrationId(), false)) {
            return new JobResult.Completed<>(null); // withdrawn or erased while it waited for its slot
        }
        DukcapilAnswer answer;
        try {
            answer = dukcapil.check(new NikCheckRequest(person.nik(), person.fullName(), person.birthDate(), person.sex()),
                    "job-" + job.id() + "-" + job.attempts());
        } catch (DukcapilClient.CircuitOpen e) {
            return new JobResult.Deferred<>(e.until(), "dukcapil-circuit-open", true);
        } catch (DukcapilThrottled e) {
            return new JobResult.Deferred<>(clock.instant().plus(e.retryAfter()), e.code(), true);
        } catch (DukcapilUnavailable e) {
            return new JobResult.Unavailable<>(e.code());
        } catch (DukcapilRefused e) {
            return new JobResult.Failed<>(e.code());
        }
        if (answer instanceof DukcapilAnswer.NoMatch noMatch) {
            return new JobResult.Completed<>(new Verdict(NikStatus.REJECTED, noMatch.reason()));
        }
        return new JobResult.Completed<>(new Verdict(NikStatus.VERIFIED, null));
    }

    /**
     * Moves the registration out of PENDING once; the funnel counts the move in the same transaction.
     * A rejected registration also stops holding its NIK, family-card place and wave place, so the
     * NIK's rightful owner can register, and its registrant is sent a notice (queued here, mailed
     * by the email worker); the PENDING condition makes that happen once.
     */
    @Override
    public Uni<Void> record(ClaimedJob job, Verdict verdict) {
        if (verdict == null) {
            return Uni.createFrom().voidItem();
        }
        return decide(job, verdict, verdict.status() == NikStatus.REJECTED ? FunnelStage.NIK_REJECTED : FunnelStage.NIK_VERIFIED);
    }

    /**
     * The registry kept refusing this check (or it could not be made): it ends REJECTED, as a
     * mismatch does, so the registration stops holding its NIK, family-card place and wave place,
     * and its registrant is told, and may register again with the details as on their KTP. The
     * funnel counts it under nikCheckFailed. Outages never come here (they wait).
     */
    @Override
    public Uni<Void> giveUp(ClaimedJob job, String reason) {
        return decide(job, new Verdict(NikStatus.REJECTED, NikRejection.NIK_NOT_CHECKABLE), FunnelStage.NIK_CHECK_FAILED);
    }

    private Uni<Void> decide(ClaimedJob job, Verdict verdict, FunnelStage stage) {
        boolean rejected = verdict.status() == NikStatus.REJECTED;
        boolean unproven = verdict.reason() == NikRejection.EMAIL_UNPROVEN_WHEN_CONTESTED;
        Instant now = clock.instant();
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE registration SET nik_verification = :status, nik_reason = :reason, updated_at = :now,
                       status = CASE WHEN CAST(:rejected AS boolean) THEN 'REJECTED' ELSE status END
                WHERE id = :id AND nik_verification = 'PENDING' AND NOT (CAST(:unproven AS boolean) AND email_verified)
                RETURNING wave_id""", Long.class)
                .setParameter("status", verdict.status().name())
                .setParameter("reason", verdict.reason() == null ? null : verdict.reason().name())
                .setParameter("rejected", rejected)
                .setParameter("unproven", unproven)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter("id", job.registrationId())
                .getResultList())
                .chain((List<Long> waves) -> {
                    if (waves.isEmpty() && unproven) {
                        // The address was proved after the grace was judged: the registry decides, first.
                        return jobs.requestAgain(job.registrationId(), JobKind.NIK_CHECK, now)
                                .chain(() -> jobs.prioritise(job.registrationId(), JobKind.NIK_CHECK,
                                        NikCheckPriority.CONTESTED.value(), now));
                    }
                    if (waves.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    Uni<Boolean> released = rejected ? store.release(job.registrationId(), now) : Uni.createFrom().item(false);
                    Uni<Void> told = rejected ? notices.nikRejected(job.registrationId(), now) : Uni.createFrom().voidItem();
                    return released.chain(() -> told).chain(() -> funnel.move(job.registrationId(), waves.get(0), null, stage));
                });
    }
}
