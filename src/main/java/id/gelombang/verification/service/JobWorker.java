package id.gelombang.verification.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import id.gelombang.common.observability.Metrics;
import id.gelombang.common.problem.Faults;
import id.gelombang.verification.VerificationConfig;
import id.gelombang.verification.domain.Backoff;
import id.gelombang.verification.domain.ClaimScope;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.persistence.JobQueue;
import id.gelombang.verification.persistence.JobQueue.ClaimedJob;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Drains the verification jobs of one kind: claim one, make its outside call outside any
 * transaction, then settle it in a second transaction that only the lease holder can commit.
 * Blocking; runs on a worker thread (the drain route, or the local run's background thread).
 */
@ApplicationScoped
public class JobWorker {

    private static final Logger LOG = Logger.getLogger(JobWorker.class);

    private final JobQueue queue;
    private final Map<JobKind, JobHandler<?>> handlers = new EnumMap<>(JobKind.class);
    private final VerificationConfig config;
    private final Backoff backoff;
    private final Clock clock;
    private final Metrics metrics;

    public JobWorker(JobQueue queue, Instance<JobHandler<?>> handlers, VerificationConfig config, Clock clock, Metrics metrics) {
        this.queue = queue;
        handlers.forEach(handler -> this.handlers.put(handler.kind(), handler));
        this.config = config;
        this.backoff = new Backoff(config.backoffBase(), config.backoffCap(), Duration.ofSeconds(1));
        this.clock = clock;
        this.metrics = metrics;
    }

    /** What one drain did, and in how many loops at once. */
    public record Drained(JobKind kind, int settled, int loops) {
    }

    /**
     * Works through due jobs of {@code kind}'s outside service, every kind of it in priority order
     * ({@link JobKind#sameOutbound()}), until {@code budget} is spent; with {@code untilIdle} it
     * returns as soon as nothing is due instead of waiting for new work.
     */
    public Drained drain(JobKind kind, Duration budget, boolean untilIdle) {
        Instant end = clock.instant().plus(budget);
        List<JobKind> kinds = kind.sameOutbound();
        int settled = 0;
        while (clock.instant().isBefore(end)) {
            ClaimedJob job = claimFirst(kinds);
            if (job == null) {
                if (untilIdle) {
                    break;
                }
                Blocking.pause(config.pollInterval());
                continue;
            }
            settle(job, attempt(job));
            settled++;
        }
        return new Drained(kind, settled, 1);
    }

    /**
     * {@link #drain(JobKind, Duration, boolean)} in {@code loops} threads at once; their counts add
     * up. A worker function's run: it ends by recording the backlog it leaves and what it settled
     * (queue depth and outbound pace, as metrics).
     */
    public Drained drain(JobKind kind, Duration budget, boolean untilIdle, int loops) {
        Drained drained = loops == 1 ? drain(kind, budget, untilIdle) : drainInParallel(kind, budget, untilIdle, loops);
        recordBacklog(kind, drained.settled());
        return drained;
    }

    /** The run's metric line; a failure to count the backlog must not fail a run whose work is done. */
    private void recordBacklog(JobKind kind, int settled) {
        Instant now = clock.instant();
        try {
            JobQueue.Backlog backlog = Blocking.await(() -> Panache.withTransaction(() -> queue.backlog(kind, now)));
            long oldest = backlog.oldestDue() == null ? 0 : Math.max(0, Duration.between(backlog.oldestDue(), now).toSeconds());
            metrics.verification(kind.name(), backlog.due(), oldest, settled);
        } catch (RuntimeException e) {
            LOG.warnf("Could not count the %s backlog after a run: %s", kind, e.getClass().getName());
        }
    }

    private Drained drainInParallel(JobKind kind, Duration budget, boolean untilIdle, int loops) {
        ExecutorService pool = Executors.newFixedThreadPool(loops);
        try {
            List<Future<Drained>> runs = new ArrayList<>();
            for (int i = 0; i < loops; i++) {
                runs.add(pool.submit(() -> drain(kind, budget, untilIdle)));
            }
            int settled = 0;
            for (Future<Drained> run : runs) {
                settled += run.get().settled();
            }
            return new Drained(kind, settled, loops);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs one claimed job through its handler; a handler's unexpected exception is a counted failure. */
    public <E> JobResult<E> attempt(ClaimedJob job) {
        @SuppressWarnings("unchecked")
        JobHandler<E> handler = (JobHandler<E>) handlers.get(job.kind());
        try {
            return handler.perform(job);
        } catch (RuntimeException e) {
            // Only the class name: messages of outside errors can quote request data.
            LOG.warnf("Job %d (%s) failed unexpectedly: %s", job.id(), job.kind(), e.getClass().getName());
            if (Faults.isLockTimeout(e)) {
                metrics.lockTimeout();
            }
            return new JobResult.Failed<>("unexpected-" + e.getClass().getSimpleName());
        }
    }

    public <E> void settle(ClaimedJob job, JobResult<E> result) {
        @SuppressWarnings("unchecked")
        JobHandler<E> handler = (JobHandler<E>) handlers.get(job.kind());
        Instant now = clock.instant();
        boolean held = Blocking.await(() -> Panache.withTransaction(() -> settlement(job, result, handler, now)));
        if (!held) {
            LOG.infof("Job %d (%s) was taken over after its lease ran out; this attempt's result is dropped",
                    job.id(), job.kind());
        }
    }

    private <E> Uni<Boolean> settlement(ClaimedJob job, JobResult<E> result, JobHandler<E> handler, Instant now) {
        if (result instanceof JobResult.Completed<E> completed) {
            return queue.complete(job, now)
                    .call(closed -> closed ? handler.record(job, completed.effect()) : Uni.createFrom().voidItem());
        }
        if (result instanceof JobResult.Deferred<E> deferred) {
            return queue.retryAt(job, deferred.until(), deferred.reason(), false, deferred.awaitingService(), now);
        }
        if (result instanceof JobResult.Unavailable<E> unavailable) {
            Instant retryAt = now.plus(backoff.after(job.attempts(), ThreadLocalRandom.current()));
            return queue.retryAt(job, retryAt, unavailable.reason(), true, true, now);
        }
        String reason = result instanceof JobResult.Refused<E> refused ? refused.reason()
                : ((JobResult.Failed<E>) result).reason();
        // Only failures of this job's own count towards its end: however many outages it waited out before.
        if (result instanceof JobResult.Failed<E> && job.failures() + 1 < config.maxAttempts()) {
            Instant retryAt = now.plus(backoff.after(job.failures() + 1, ThreadLocalRandom.current()));
            return queue.retryAfterFailure(job, retryAt, reason);
        }
        return queue.fail(job, reason, now)
                .call(ended -> ended ? handler.giveUp(job, reason) : Uni.createFrom().voidItem());
    }

    /**
     * Claims the next job of the first of {@code kinds} that has one due, each within the scope its
     * handler allows now (the registry's quota rule for NIK checks), in one transaction.
     */
    private ClaimedJob claimFirst(List<JobKind> kinds) {
        Instant now = clock.instant();
        Map<JobKind, ClaimScope> scopes = new LinkedHashMap<>();
        for (JobKind kind : kinds) {
            handlers.get(kind).claimScope(now).ifPresent(scope -> scopes.put(kind, scope));
        }
        if (scopes.isEmpty()) {
            return null;
        }
        return Blocking.await(() -> Panache.withTransaction(() -> queue.claimNext(scopes, now, config.lease())));
    }

    /**
     * Claims the next job of a kind its handler lets be claimed now, without running it; null when
     * none is (tests of lease take-over use it with {@link #settle}).
     */
    public ClaimedJob claim(JobKind kind) {
        Instant now = clock.instant();
        Optional<ClaimScope> scope = handlers.get(kind).claimScope(now);
        if (scope.isEmpty()) {
            return null;
        }
        return Blocking.await(() -> Panache.withTransaction(() -> queue.claimNext(kind, now, config.lease(), scope.get())));
    }
}
