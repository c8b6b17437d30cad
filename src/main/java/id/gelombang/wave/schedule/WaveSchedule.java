package id.gelombang.wave.schedule;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.database.Deadline;
import id.gelombang.wave.persistence.Wave;
import id.gelombang.wave.schedule.PublishedSchedule.Entry;
import id.gelombang.wave.schedule.PublishedSchedule.Lookup;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Which wave is current, asking the database only while a wave is open, and keeping the published
 * schedule in step with the database.
 */
@ApplicationScoped
public class WaveSchedule {

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
            boolean publishFirst = lookup instanceof Lookup.NotPublished;
            return deadline.bound(Panache.withSession(() -> (publishFirst ? republish(now) : Uni.createFrom().voidItem())
                    .chain(() -> Wave.currentOrNext(now))));
        });
    }

    /**
     * Publishes the waves as this session sees them. Operators' changes call it before their
     * transaction commits: if S3 refuses, the change is refused too and can be retried.
     */
    public Uni<Void> republish(Instant now) {
        return Wave.<Wave>listAll().chain(waves -> publish(PublishedSchedule.relevant(waves, now)));
    }

    private Uni<Void> publish(List<Entry> entries) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            published.publish(entries);
            return null;
        })).replaceWithVoid();
    }
}
