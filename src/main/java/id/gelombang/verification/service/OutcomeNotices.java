package id.gelombang.verification.service;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.database.SqlResource;
import id.gelombang.registration.service.VoidFollowUp;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.persistence.JobQueue;
import id.gelombang.wave.draw.DrawFollowUp;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Queues the notices that tell registrants their outcome, each in the transaction that decides it
 * (an outbox): a NIK the registry rejected, a wave's draw, an operator's void. The email worker mails them after every
 * code (JobKind order, EmailGate), saying what the registration's outcome is when it mails.
 */
@ApplicationScoped
public class OutcomeNotices implements DrawFollowUp, VoidFollowUp {

    static final String AFTER_DRAW = "db/notices/after-draw.sql";

    private final JobQueue jobs;
    private final String afterDraw = SqlResource.load(AFTER_DRAW);

    public OutcomeNotices(JobQueue jobs) {
        this.jobs = jobs;
    }

    /** The registry rejected the registration's NIK. Needs the verdict's transaction. */
    public Uni<Void> nikRejected(UUID registrationId, Instant now) {
        return jobs.requestAgain(registrationId, JobKind.OUTCOME_NOTICE, now);
    }

    /** An operator voided the registration; the notice erases its sealed record once mailed. Needs the void's transaction. */
    @Override
    public Uni<Void> voided(UUID registrationId, Instant now) {
        return jobs.requestAgain(registrationId, JobKind.OUTCOME_NOTICE, now);
    }

    /** One set-based statement in the draw's publication (db/notices/after-draw.sql), whatever the wave's size. */
    @Override
    public Uni<Void> drawn(long waveId, boolean notifyNotSelected, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(afterDraw)
                .setParameter("waveId", waveId)
                .setParameter("notifyNotSelected", notifyNotSelected)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .executeUpdate())
                .replaceWithVoid();
    }
}
