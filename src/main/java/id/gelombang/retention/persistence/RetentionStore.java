package id.gelombang.retention.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.access.domain.AccessCodeRules;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The retention job's SQL: which waves are past retention, and the next batch of one wave to erase. */
@ApplicationScoped
public class RetentionStore {

    public record DueWave(long id, String code) {
    }

    /** A registration to erase, locked until the batch's transaction ends, with the KTP objects it still names. */
    public record Candidate(UUID id, String pendingKey, String acceptedKey) {
    }

    /**
     * The registrations of wave {@code w} that its retention scope erases (the scope as
     * docs/wave-runbook.md states it): ALL erases every registration; NOT_SELECTED keeps
     * registrations the draw SELECTED and, in first-come waves, those still holding their place
     * (REGISTERED and not released).
     */
    private static final String IN_SCOPE = """
            (w.retention_scope = 'ALL' OR NOT (
                    (r.selection_status = 'SELECTED') IS TRUE
                    OR (w.selection = 'FIRST_COME' AND r.released_at IS NULL AND r.status = 'REGISTERED')))""";

    /**
     * Contract v1.2: retention never erases a draw wave's registrations before its draw, whatever its
     * scope (the draw would then pick among erased registrations).
     */
    private static final String DRAWN_IF_A_DRAW = "(w.selection <> 'DRAW' OR w.drawn_at IS NOT NULL)";

    /**
     * Every wave whose close plus retention period has passed, however long ago, and whose retention
     * is not done ({@link #finishIfDone}), a draw wave only once drawn. Needs a session.
     */
    public Uni<List<DueWave>> dueWaves(Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT w.id, w.code FROM wave w
                WHERE w.closes_at + make_interval(days => w.retention_days) <= :now
                  AND w.retention_done_at IS NULL AND %s
                ORDER BY w.closes_at, w.id""".formatted(DRAWN_IF_A_DRAW), Object[].class)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .getResultList())
                .map(rows -> rows.stream().map(row -> new DueWave(((Number) row[0]).longValue(), (String) row[1])).toList());
    }

    /**
     * Up to {@code limit} registrations of the wave that its retention scope erases and that still
     * hold personal data, locked; rows another transaction holds (a confirm, a withdrawal) are
     * skipped and left for the next batch or run. None of an undrawn draw wave. Needs a transaction.
     */
    public Uni<List<Candidate>> lockBatch(long waveId, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT r.id, r.ktp_pending_key, r.ktp_object_key
                FROM registration r JOIN wave w ON w.id = r.wave_id
                WHERE r.wave_id = :waveId AND r.erased_at IS NULL AND %s AND %s
                LIMIT :limit
                FOR UPDATE OF r SKIP LOCKED""".formatted(IN_SCOPE, DRAWN_IF_A_DRAW), Object[].class)
                .setParameter("waveId", waveId)
                .setParameter("limit", limit)
                .getResultList())
                .map(rows -> rows.stream().map(row -> new Candidate((UUID) row[0], (String) row[1], (String) row[2])).toList());
    }

    /**
     * Records that the wave's retention is done, when it is: nothing in its scope holds personal data
     * any more (rows skipped as locked still count as not done), and no registration it keeps can
     * still fall into the scope (its NIK check is open: a rejection would release it). Its published
     * schedule entry then stops waking the job. Returns whether it did. Needs a transaction.
     */
    public Uni<Boolean> finishIfDone(long waveId, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE wave w SET retention_done_at = :now
                WHERE w.id = :waveId AND w.retention_done_at IS NULL AND %s
                  AND NOT EXISTS (SELECT 1 FROM registration r WHERE r.wave_id = w.id AND r.erased_at IS NULL AND %s)
                  AND NOT EXISTS (SELECT 1 FROM registration r JOIN verification_job j ON j.registration_id = r.id
                                  WHERE r.wave_id = w.id AND r.erased_at IS NULL
                                    AND j.kind = 'NIK_CHECK' AND j.state IN ('PENDING', 'RUNNING'))"""
                .formatted(DRAWN_IF_A_DRAW, IN_SCOPE))
                .setParameter("waveId", waveId)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .executeUpdate())
                .map(updated -> updated > 0);
    }

    /**
     * Deletes up to {@code limit} access-code rows that nothing needs any more: asked for longer ago
     * than {@link AccessCodeRules#FORGOTTEN_AFTER} (their limits count an hour) and not holding a code
     * that may still be used. Each holds a keyed digest of a NIK that asked, with or without a
     * registration. Needs a transaction.
     */
    public Uni<Integer> forgetAccessCodes(Instant now, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                DELETE FROM access_code WHERE nik_digest IN (
                    SELECT nik_digest FROM access_code
                    WHERE requested_at < :before AND (sent_at IS NULL OR sent_at < :expired)
                    LIMIT :limit)""")
                .setParameter("before", OffsetDateTime.ofInstant(now.minus(AccessCodeRules.FORGOTTEN_AFTER), ZoneOffset.UTC))
                .setParameter("expired", OffsetDateTime.ofInstant(now.minus(AccessCodeRules.CODE_LIFETIME), ZoneOffset.UTC))
                .setParameter("limit", limit)
                .executeUpdate());
    }

    /**
     * Deletes up to {@code limit} stored replies older than {@code before}: a 201's holds the
     * encrypted registration token, and every request fingerprint is a keyed hash of the applicant's
     * data. Needs a transaction.
     */
    public Uni<Integer> forgetReplies(Instant before, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                DELETE FROM idempotency_key WHERE key_digest IN (
                    SELECT key_digest FROM idempotency_key WHERE created_at < :before LIMIT :limit)""")
                .setParameter("before", OffsetDateTime.ofInstant(before, ZoneOffset.UTC))
                .setParameter("limit", limit)
                .executeUpdate());
    }

    /**
     * Deletes up to {@code limit} rows of the registration limits' counters that no longer count:
     * the per-source counts of minutes before {@code sourcesBefore} (keyed digests of callers'
     * addresses), and the per-address and per-family-card counts of waves closed before {@code now}
     * (keyed digests of addresses and KK numbers; nobody registers in those waves any more, and a
     * later release of one of their registrations finds no row and changes nothing), and the NIK
     * digests kept against a re-roll in waves already drawn (a withdrawal that committed while its
     * wave's draw ran leaves one the draw could not see), and the ranks of a draw that no call is
     * making any more (published, or its call died) that its call could not delete, a quarter of an
     * hour on (the publication's last step reads them). Needs a transaction.
     */
    public Uni<Long> forgetLimitCounts(Instant sourcesBefore, Instant now, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                WITH sources AS (
                    DELETE FROM request_source WHERE source_digest IN (
                        SELECT source_digest FROM request_source WHERE window_start < :sourcesBefore LIMIT :limit)
                    RETURNING 1),
                addresses AS (
                    DELETE FROM wave_email WHERE (wave_id, email_digest) IN (
                        SELECT e.wave_id, e.email_digest FROM wave_email e JOIN wave w ON w.id = e.wave_id
                        WHERE w.closes_at < :now LIMIT :limit)
                    RETURNING 1),
                households AS (
                    DELETE FROM household WHERE (wave_id, kk_digest) IN (
                        SELECT h.wave_id, h.kk_digest FROM household h JOIN wave w ON w.id = h.wave_id
                        WHERE w.closes_at < :now LIMIT :limit)
                    RETURNING 1),
                withdrawals AS (
                    DELETE FROM draw_withdrawal WHERE (wave_id, nik_digest) IN (
                        SELECT d.wave_id, d.nik_digest FROM draw_withdrawal d JOIN wave w ON w.id = d.wave_id
                        WHERE w.drawn_at IS NOT NULL LIMIT :limit)
                    RETURNING 1),
                ranks AS (
                    DELETE FROM draw_rank WHERE (wave_id, registration_id) IN (
                        SELECT d.wave_id, d.registration_id FROM draw_rank d JOIN wave w ON w.id = d.wave_id
                        WHERE w.drawn_at < CAST(:now AS timestamptz) - interval '15 minutes'
                           OR (w.drawn_at IS NULL AND (w.draw_running_until IS NULL
                               OR w.draw_running_until < CAST(:now AS timestamptz) - interval '15 minutes'))
                        LIMIT :limit)
                    RETURNING 1)
                SELECT (SELECT count(*) FROM sources) + (SELECT count(*) FROM addresses) + (SELECT count(*) FROM households)
                    + (SELECT count(*) FROM withdrawals) + (SELECT count(*) FROM ranks)""",
                Long.class)
                .setParameter("sourcesBefore", OffsetDateTime.ofInstant(sourcesBefore, ZoneOffset.UTC))
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter("limit", limit)
                .getSingleResult());
    }
}
