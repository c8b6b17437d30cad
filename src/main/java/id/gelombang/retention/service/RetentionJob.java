package id.gelombang.retention.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import id.gelombang.common.audit.OperatorAction;
import id.gelombang.common.audit.OperatorAudit;
import id.gelombang.registration.persistence.ErasureStore;
import id.gelombang.retention.persistence.RetentionStore;
import id.gelombang.retention.persistence.RetentionStore.Candidate;
import id.gelombang.retention.persistence.RetentionStore.DueWave;
import id.gelombang.upload.service.KtpStorage;
import id.gelombang.wave.schedule.PublishedSchedule;
import id.gelombang.wave.schedule.WaveSchedule;
import id.gelombang.verification.service.Blocking;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Erases the personal data of every wave past its retention period, however long ago (a draw wave
 * only once drawn), within the wave's retention scope, in batches: each batch locks its rows (SKIP
 * LOCKED), deletes their KTP objects from S3, then erases the rows, and commits on its own. A run that dies anywhere leaves committed batches
 * erased and the failed batch untouched in the database (its objects perhaps already gone, which
 * the next run's delete takes as done), so the next run simply carries on. A wave with nothing left
 * to erase is marked done, and leaves the published schedule. Blocking: runs on a
 * worker thread (the internal route). It also forgets stored replies once the contract's replay
 * window has passed and spent access codes (with the per-NIK limits they held, keyed digests of the
 * NIKs that asked), and asks the database nothing when the published wave schedule shows no wave
 * whose replies or retention are due: between waves it does not wake a paused Aurora.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    public record WaveErased(String code, long erased) {
    }

    /**
     * What one run did: registrations erased per wave, stored replies, spent access codes and counters
     * of the registration limits forgotten; {@code complete} is false when the time budget ended it
     * with work left; {@code nothingDue} when the published schedule showed nothing to do, so the
     * database was not asked.
     */
    public record Run(List<WaveErased> waves, long erased, long repliesForgotten, long accessCodesForgotten,
            long limitCountsForgotten, boolean complete,
            boolean nothingDue) {
    }

    /** Who the audit trail names for what this job does. */
    static final String ACTOR = "retention-job";
    /** Per-source counts count one minute; an hour later they are forgotten (they are digests of callers' addresses). */
    static final Duration LIMIT_COUNTS_KEPT = Duration.ofHours(1);

    private final RetentionStore store;
    private final OperatorAudit audit;
    private final ErasureStore erasure;
    private final KtpStorage storage;
    private final PublishedSchedule schedule;
    private final WaveSchedule waveSchedule;
    private final Vertx vertx;
    private final Clock clock;

    public RetentionJob(RetentionStore store, OperatorAudit audit, ErasureStore erasure, KtpStorage storage,
            PublishedSchedule schedule, WaveSchedule waveSchedule, Vertx vertx, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.erasure = erasure;
        this.storage = storage;
        this.schedule = schedule;
        this.waveSchedule = waveSchedule;
        this.vertx = vertx;
        this.clock = clock;
    }

    public Run run(int batchSize, Duration budget) {
        Instant start = clock.instant();
        if (!schedule.maintenanceDue(start)) {
            return new Run(List.of(), 0, 0, 0, 0, true, true);
        }
        Instant end = start.plus(budget);
        List<DueWave> due = Blocking.await(() -> Panache.withSession(() -> store.dueWaves(start)));
        List<WaveErased> waves = new ArrayList<>();
        long total = 0;
        boolean complete = true;
        for (DueWave wave : due) {
            long erased = 0;
            try {
                while (true) {
                    if (!clock.instant().isBefore(end)) {
                        complete = false;
                        break;
                    }
                    long batch = Blocking.await(() -> Panache.withTransaction(() -> eraseBatch(wave, batchSize)));
                    erased += batch;
                    if (batch == 0) {
                        break;
                    }
                }
            } finally {
                audit(wave, erased);
            }
            if (erased > 0) {
                waves.add(new WaveErased(wave.code(), erased));
                total += erased;
            }
            if (!complete) {
                break;
            }
            Blocking.await(() -> Panache.withTransaction(() -> store.finishIfDone(wave.id(), clock.instant())));
        }
        // A wave finished leaves the published schedule; a publication an operator's change missed is repaired too.
        try {
            Blocking.await(() -> Panache.withSession(() -> waveSchedule.repairIfBehind(clock.instant())));
        } catch (RuntimeException e) {
            // The erasure stands; an unpublished schedule only wakes the next run, which publishes it.
            LOG.warnf("Retention could not publish the wave schedule: %s", e.getClass().getName());
        }
        Forgotten replies = complete
                ? forgetInBatches(end, () -> store.forgetReplies(start.minus(PublishedSchedule.REPLY_RETENTION), batchSize))
                : new Forgotten(0, false);
        Forgotten accessCodes = replies.complete()
                ? forgetInBatches(end, () -> store.forgetAccessCodes(start, batchSize))
                : new Forgotten(0, false);
        Forgotten limitCounts = accessCodes.complete()
                ? forgetInBatches(end, () -> store.forgetLimitCounts(start.minus(LIMIT_COUNTS_KEPT), start, batchSize)
                        .map(Long::intValue))
                : new Forgotten(0, false);
        return new Run(waves, total, replies.count(), accessCodes.count(), limitCounts.count(), limitCounts.complete(), false);
    }

    private record Forgotten(long count, boolean complete) {
    }

    /** Runs a deleting batch, each in its own transaction, until one deletes nothing or the budget ends. */
    private Forgotten forgetInBatches(Instant end, Supplier<Uni<Integer>> batch) {
        long forgotten = 0;
        while (clock.instant().isBefore(end)) {
            int deleted = Blocking.await(() -> Panache.withTransaction(batch));
            forgotten += deleted;
            if (deleted == 0) {
                return new Forgotten(forgotten, true);
            }
        }
        return new Forgotten(forgotten, false);
    }

    private Uni<Long> eraseBatch(DueWave wave, int batchSize) {
        return store.lockBatch(wave.id(), batchSize).chain(batch -> {
            if (batch.isEmpty()) {
                return Uni.createFrom().item(0L);
            }
            List<String> objects = batch.stream()
                    .flatMap(c -> Stream.of(c.pendingKey(), c.acceptedKey()))
                    .filter(Objects::nonNull)
                    .toList();
            var ids = batch.stream().map(Candidate::id).toList();
            // The objects go first: a batch whose rows fail to erase is simply erased again next time.
            return vertx.executeBlocking(Uni.createFrom().item(() -> {
                storage.deleteAll(objects);
                return objects.size();
            }))
                    .chain(() -> erasure.erase(ids, clock.instant()))
                    .call(() -> erasure.forgetReplies(ids));
        });
    }

    /** Best effort: a run that failed still records what it erased before the failure. */
    private void audit(DueWave wave, long erased) {
        if (erased == 0) {
            return;
        }
        try {
            Blocking.await(() -> Panache.withTransaction(() -> audit.record(ACTOR, OperatorAction.RETENTION_RUN, wave.code(),
                    Map.of("erased", erased), clock.instant())));
        } catch (RuntimeException e) {
            LOG.warnf("Retention of wave %s erased %d registrations but its audit row failed: %s",
                    wave.code(), erased, e.getClass().getName());
        }
    }
}
