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
 * (an outbox): a NIK the registry rejected, each batch of a draw's verdicts, an operator's void. The
 * email worker mails them after every code (JobKind order, EmailGate), saying what the registration's
 * outcome is when it mails, and never a draw's verdict before the draw is published.
 */
@ApplicationScoped
public class OutcomeNotices implements DrawFollowUp, VoidFollowUp {

    static final String DRAW_BATCH = "db/notices/draw-batch.sql";
    static final String DRAW_PUBLISHED = "db/notices/draw-published.sql";

    private final JobQueue jobs;
    private final String drawBatch = SqlResource.load(DRAW_BATCH);
    private final String drawPublished = SqlResource.load(DRAW_PUBLISHED);

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

    /** One set-based statement in each batch of the draw's verdicts (db/notices/draw-batch.sql), whatever the batch's size. */
    @Override
    public Uni<Void> verdictsWritten(long waveId, UUID after, UUID last, boolean notifyNotSelected, Instant publishedBy,
            Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(drawBatch)
                .setParameter("waveId", waveId)
                .setParameter("after", after)
                .setParameter("last", last)
                .setParameter("notifyNotSelected", notifyNotSelected)
                .setParameter("publishedBy", OffsetDateTime.ofInstant(publishedBy, ZoneOffset.UTC))
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .executeUpdate())
                .replaceWithVoid();
    }

    /** The draw's notices that waited for its publication are due now (db/notices/draw-published.sql). */
    @Override
    public Uni<Void> published(long waveId, Instant publishedBy, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(drawPublished)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter("waveId", waveId)
                .setParameter("publishedBy", OffsetDateTime.ofInstant(publishedBy, ZoneOffset.UTC))
                .executeUpdate())
                .replaceWithVoid();
    }
}
