package id.gelombang.wave.schedule;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import id.gelombang.common.database.Deadline;
import id.gelombang.common.database.SqlValues;
import id.gelombang.wave.persistence.Wave;
import id.gelombang.wave.schedule.PublishedSchedule.Entry;
import id.gelombang.wave.schedule.PublishedSchedule.Lookup;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Which wave is current, asking the database only while a wave is open, and keeping the published
 * schedule in step with the database. Every change of what the schedule shows raises the database's
 * schedule generation in its own transaction (V18's triggers on wave); {@link #publish} runs after
 * the commit, one at a time (an advisory lock), from a fresh read, and records the generation it
 * published. A publication that never happened (S3 refused, the function died) is repaired by the
 * next read that reaches the database anyway: the current wave while one is open, the operators'
 * views, the retention run.
 */
@ApplicationScoped
public class WaveSchedule {

    private static final Logger LOG = Logger.getLogger(WaveSchedule.class);

    /**
     * The publication's advisory lock, in the two-key space (apart from the single-key locks of
     * Idempotency-Keys and the schema migration).
     */
    static final int LOCK_CLASS = 0x57415645;
    static final int LOCK_SCHEDULE = 1;

    private final PublishedSchedule published;
    private final Deadline deadline;
    private final Vertx vertx;

    public WaveSchedule(PublishedSchedule published, Deadline deadline, Vertx vertx) {
        this.published = published;
        this.deadline = deadline;
        this.vertx = vertx;
    }

    /** The wave open at {@code now}, else the next to open; null when there is none. */
    public Uni<Wave> currentOrNext(Instant now) {
        // S3 calls block: on a worker, back to this request's context for the database.
        return vertx.executeBlocking(Uni.createFrom().item(() -> published.lookup(now))).chain(lookup -> {
            if (lookup instanceof Lookup.NoWaveOpen noWaveOpen) {
                return Uni.createFrom().item(noWaveOpen.next());
            }
            boolean unpublished = lookup instanceof Lookup.NotPublished;
            return deadline.bound(Panache.withSession(() -> (unpublished ? publish(true, now) : repairIfBehind(now))
                    .chain(() -> Wave.currentOrNext(now))));
        });
    }

    /**
     * After a change has committed: publishes the waves as the database holds them now, unless a
     * later publication already did. A failure is logged and left to the repair; the change stands.
     */
    public Uni<Void> publishAfterCommit(Instant now) {
        return publish(false, now).onFailure().recoverWithUni(e -> {
            LOG.warnf("The wave schedule was not published after a change (%s); the next read that reaches the database "
                    + "publishes it", e.getClass().getName());
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * The repair on read, for callers that ask the database anyway: one primary-key read, and a
     * publication only when the published generation is behind. Needs a session.
     */
    public Uni<Void> repairIfBehind(Instant now) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT published_generation < generation FROM wave_schedule", Boolean.class)
                .getSingleResult())
                .chain(behind -> Boolean.TRUE.equals(behind) ? publish(false, now) : Uni.createFrom().voidItem());
    }

    /** Publishes the schedule when the published generation is behind the database's (a repair), or always when {@code force}. */
    public Uni<Void> publish(boolean force, Instant now) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(:class, :key)) AS locked", Long.class)
                .setParameter("class", LOCK_CLASS)
                .setParameter("key", LOCK_SCHEDULE)
                .getSingleResult()
                .chain(() -> session.createNativeQuery("SELECT generation, published_generation FROM wave_schedule", Object[].class)
                        .getSingleResult())
                .chain(state -> {
                    long generation = ((Number) state[0]).longValue();
                    long publishedGeneration = ((Number) state[1]).longValue();
                    if (!force && publishedGeneration >= generation) {
                        return Uni.createFrom().voidItem();
                    }
                    // Read after the generation, in a later snapshot: the waves are at least as new as it.
                    return session.createNativeQuery("""
                            SELECT w.code, w.opens_at, w.closes_at, w.quota,
                                   CAST((SELECT coalesce(sum(p.taken), 0) FROM wave_place p WHERE p.wave_id = w.id) AS integer),
                                   w.retention_days, w.selection, w.draw_commitment, w.retention_done_at IS NULL, w.id
                            FROM wave w ORDER BY w.opens_at, w.id""", Object[].class)
                            .getResultList()
                            .map(rows -> PublishedSchedule.relevant(rows.stream().map(WaveSchedule::entry).toList(), now))
                            .chain(entries -> put(entries))
                            .chain(() -> session.createNativeQuery(
                                    "UPDATE wave_schedule SET published_generation = greatest(published_generation, :generation)")
                                    .setParameter("generation", generation)
                                    .executeUpdate())
                            .replaceWithVoid();
                })));
    }

    private Uni<Void> put(List<Entry> entries) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            published.publish(entries);
            return null;
        })).replaceWithVoid();
    }

    private static Entry entry(Object[] row) {
        return new Entry((String) row[0], SqlValues.instant(row[1]), SqlValues.instant(row[2]), ((Number) row[3]).intValue(),
                ((Number) row[4]).intValue(), ((Number) row[5]).intValue(), (String) row[6], (String) row[7], (Boolean) row[8],
                ((Number) row[9]).longValue());
    }
}
