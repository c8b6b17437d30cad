package id.gelombang.verification.persistence;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.database.SqlValues;
import id.gelombang.verification.domain.ClaimScope;
import id.gelombang.verification.domain.JobKind;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The verification outbox as a work queue. A worker claims one due job under a lease (a random
 * token and an expiry); only the holder of the current lease can finish it. A worker that dies
 * mid-job simply lets the lease run out, and the next claim takes the job over: every finishing
 * statement checks the token, so a job's effect is recorded exactly once even when its outside
 * call was made twice. Every method needs a transaction.
 */
@ApplicationScoped
public class JobQueue {

    /**
     * A job held under a lease. {@code attempts} counts this one; {@code failures} the earlier tries
     * that ended in a refusal or an unexpected error (not outages).
     */
    public record ClaimedJob(long id, UUID registrationId, JobKind kind, int revision, int attempts, int failures,
            UUID leaseToken) {
    }

    /**
     * Claims the most overdue job of this kind: pending and due, or running under a lease that
     * has run out. SKIP LOCKED lets concurrent workers claim different jobs without waiting.
     */
    public Uni<ClaimedJob> claimNext(JobKind kind, Instant now, Duration lease) {
        return claimNext(kind, now, lease, ClaimScope.any(now));
    }

    /**
     * Claims the next job of this kind within {@code scope}: the highest priority first, then the
     * most overdue (pending and due, or running under a lease that has run out). The partial index
     * {@code verification_job_claim} (kind, priority DESC, run_after) serves exactly this order, so
     * the claim reads a few index entries whatever the size of the queue. SKIP LOCKED lets concurrent
     * workers claim different jobs without waiting.
     */
    public Uni<ClaimedJob> claimNext(JobKind kind, Instant now, Duration lease, ClaimScope scope) {
        UUID token = UUID.randomUUID();
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE verification_job SET state = 'RUNNING', attempts = attempts + 1,
                       lease_token = :token, lease_until = :leaseUntil
                WHERE id = (SELECT id FROM verification_job
                            WHERE kind = :kind AND state IN ('PENDING', 'RUNNING') AND run_after <= :now
                              AND (state = 'PENDING' OR lease_until < :now)
                              AND priority >= :minPriority
                              AND (priority >= :agedBelow OR created_at <= :createdBefore)
                            ORDER BY priority DESC, run_after LIMIT 1
                            FOR UPDATE SKIP LOCKED)
                RETURNING id, registration_id, revision, attempts, failures""", Object[].class)
                .setParameter("token", token)
                .setParameter("leaseUntil", at(now.plus(lease)))
                .setParameter("kind", kind.name())
                .setParameter("now", at(now))
                .setParameter("minPriority", scope.minPriority())
                .setParameter("agedBelow", scope.agedBelow())
                .setParameter("createdBefore", at(scope.createdBefore()))
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : new ClaimedJob(((Number) rows.get(0)[0]).longValue(),
                        (UUID) rows.get(0)[1], kind, ((Number) rows.get(0)[2]).intValue(),
                        ((Number) rows.get(0)[3]).intValue(), ((Number) rows.get(0)[4]).intValue(), token));
    }

    /**
     * Raises the priority of the registration's open job of this kind (never lowers it), and makes
     * it due now unless it is backing off after a failed attempt: the statement that learns why a
     * job deserves to go first calls this in its own transaction. A job already at or above that
     * priority but waiting without a failed attempt (a contested NIK's holder given time to prove its
     * address) is made due now as well. A job running meanwhile gets a new revision, so that the
     * claim's outcome, decided on what it read before, does not put it off ({@link #retryAt}). Needs
     * a transaction.
     */
    public Uni<Void> prioritise(UUID registrationId, JobKind kind, short priority, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE verification_job SET priority = greatest(priority, :priority),
                       run_after = CASE WHEN attempts = 0 THEN least(run_after, :now) ELSE run_after END,
                       revision = revision + CASE WHEN state = 'RUNNING' THEN 1 ELSE 0 END
                WHERE registration_id = :registrationId AND kind = :kind AND state IN ('PENDING', 'RUNNING')
                  AND (priority < :priority OR attempts = 0 AND run_after > :now OR state = 'RUNNING')""")
                .setParameter("priority", priority)
                .setParameter("now", at(now))
                .setParameter("registrationId", registrationId)
                .setParameter("kind", kind.name())
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Claims the next job of the first kind in {@code scopes} (priority order) that has one due within
     * its scope: a job of a later kind is taken only when none of an earlier kind is.
     */
    public Uni<ClaimedJob> claimNext(Map<JobKind, ClaimScope> scopes, Instant now, Duration lease) {
        Uni<ClaimedJob> claimed = Uni.createFrom().nullItem();
        for (Map.Entry<JobKind, ClaimScope> scope : scopes.entrySet()) {
            claimed = claimed.chain(job -> job != null ? Uni.createFrom().item(job)
                    : claimNext(scope.getKey(), now, lease, scope.getValue()));
        }
        return claimed;
    }

    /**
     * Closes the job if its lease is still held; if the work was asked for again meanwhile (a new
     * revision) the job goes back to pending instead. False when the lease was lost, in which case
     * the caller must not record the job's effect.
     */
    public Uni<Boolean> complete(ClaimedJob job, Instant now) {
        return update("""
                UPDATE verification_job SET
                    state = CASE WHEN revision = :revision THEN 'DONE' ELSE 'PENDING' END,
                    finished_at = CASE WHEN revision = :revision THEN CAST(:now AS timestamptz) END,
                    attempts = CASE WHEN revision = :revision THEN attempts ELSE 0 END,
                    failures = CASE WHEN revision = :revision THEN failures ELSE 0 END,
                    run_after = :now, lease_token = NULL, lease_until = NULL, last_error = NULL, awaiting_service = false
                WHERE id = :id AND lease_token = :token""", job,
                Map.of("revision", job.revision(), "now", at(now)));
    }

    /**
     * Puts the job back to run after {@code runAfter}. An uncounted wait (quota used up, outside
     * service throttling or circuit open) does not use up one of the job's attempts. With
     * {@code awaitingService} the job waits for its outside service to come back (the funnel counts it).
     * A job asked for again while it ran (a new revision) is due at once instead: the wait was decided
     * on what the claim read before.
     */
    public Uni<Boolean> retryAt(ClaimedJob job, Instant runAfter, String reason, boolean counted, boolean awaitingService,
            Instant now) {
        return update("""
                UPDATE verification_job SET state = 'PENDING',
                    run_after = CASE WHEN revision = :revision THEN CAST(:runAfter AS timestamptz)
                                     ELSE least(CAST(:runAfter AS timestamptz), CAST(:now AS timestamptz)) END,
                    attempts = attempts - :uncounted, lease_token = NULL, lease_until = NULL, last_error = :reason,
                    awaiting_service = :awaiting
                WHERE id = :id AND lease_token = :token""", job,
                Map.of("runAfter", at(runAfter), "uncounted", counted ? 0 : 1, "reason", reason, "awaiting", awaitingService,
                        "revision", job.revision(), "now", at(now)));
    }

    /**
     * Puts the job back after a try that failed on its own account (the service refused this request,
     * or an unexpected error): one of the job's failures is used up.
     */
    public Uni<Boolean> retryAfterFailure(ClaimedJob job, Instant runAfter, String reason) {
        return update("""
                UPDATE verification_job SET state = 'PENDING', run_after = :runAfter, failures = failures + 1,
                    lease_token = NULL, lease_until = NULL, last_error = :reason, awaiting_service = false
                WHERE id = :id AND lease_token = :token""", job,
                Map.of("runAfter", at(runAfter), "reason", reason));
    }

    /** Ends the job for good; its last error stays visible to operators. */
    public Uni<Boolean> fail(ClaimedJob job, String reason, Instant now) {
        return update("""
                UPDATE verification_job SET state = 'FAILED', finished_at = :now,
                    lease_token = NULL, lease_until = NULL, last_error = :reason, awaiting_service = false
                WHERE id = :id AND lease_token = :token""", job,
                Map.of("reason", reason, "now", at(now)));
    }

    /**
     * Asks for the work again: a new pending job, or, when one is still open, a new revision of it
     * that is due now.
     */
    public Uni<Void> requestAgain(UUID registrationId, JobKind kind, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO verification_job (registration_id, kind, run_after, created_at)
                VALUES (:registrationId, :kind, :now, :now)
                ON CONFLICT (registration_id, kind) WHERE state IN ('PENDING', 'RUNNING')
                DO UPDATE SET revision = verification_job.revision + 1,
                              run_after = least(verification_job.run_after, excluded.run_after)""")
                .setParameter("registrationId", registrationId)
                .setParameter("kind", kind.name())
                .setParameter("now", at(now))
                .executeUpdate())
                .replaceWithVoid();
    }

    /** Jobs of a kind due and not done at {@code now}, and when the oldest of them fell due. */
    public record Backlog(long due, Instant oldestDue) {
    }

    /** The backlog a worker leaves behind, read through the index of due work. */
    public Uni<Backlog> backlog(JobKind kind, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT count(*), min(run_after) FROM verification_job
                WHERE kind = :kind AND state IN ('PENDING', 'RUNNING') AND run_after <= :now""", Object[].class)
                .setParameter("kind", kind.name())
                .setParameter("now", at(now))
                .getSingleResult())
                .map(row -> new Backlog(((Number) row[0]).longValue(), SqlValues.instant(row[1])));
    }

    /** Runs a statement about one claimed job; true when the lease was still held and the row changed. */
    private Uni<Boolean> update(String sql, ClaimedJob job, Map<String, Object> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql)
                    .setParameter("id", job.id())
                    .setParameter("token", job.leaseToken());
            parameters.forEach(query::setParameter);
            return query.executeUpdate();
        }).map(updated -> updated == 1);
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
