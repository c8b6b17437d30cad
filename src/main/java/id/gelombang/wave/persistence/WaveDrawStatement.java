package id.gelombang.wave.persistence;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.database.SqlResource;
import id.gelombang.common.database.SqlValues;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Runs a wave's draw inside PostgreSQL in short transactions (docs/decisions/0009-draw-waves.md): the
 * ranking into draw_rank in one set-based statement that locks no registration (db/draw/draw.sql),
 * the verdicts onto the registrations in batches (db/draw/verdicts.sql), then the publication, which
 * counts what draw_rank still holds. bench/bench.py --draw-only times the same files.
 */
@ApplicationScoped
public class WaveDrawStatement {

    static final String RESOURCE = "db/draw/draw.sql";
    static final String VERDICTS = "db/draw/verdicts.sql";

    /** The draw lock's class in the two-key advisory space ('DRAW'); its key is the wave's id (release_registration). */
    static final int DRAW_LOCK_CLASS = 0x44524157;

    private static final UUID BEFORE_EVERY_ID = new UUID(0, 0);

    /** How many were eligible and selected, and the highest selected rank (null when none was selected). */
    public record Outcome(int eligible, int selected, String highestSelectedRank) {
    }

    /** One batch of verdicts: the last id it covered (null: there was none left) and how many it wrote. */
    public record Batch(UUID last, int written) {
    }

    private final String sql = load();
    private final String verdicts = SqlResource.load(VERDICTS);

    /**
     * Lifts this transaction's statement and lock timeouts (5 s and 3 s on every pooled connection)
     * to {@code limit}: the draw of a large wave takes longer, and a second draw call waits for the
     * first instead of failing. SET LOCAL semantics: the connection's limits return at commit.
     */
    public Uni<Void> allowUpTo(Duration limit) {
        return allowUpTo(limit, limit);
    }

    /** As {@link #allowUpTo(Duration)}, each lock waited for at most {@code lockWait}. */
    public Uni<Void> allowUpTo(Duration limit, Duration lockWait) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT set_config('statement_timeout', :limit, true), set_config('lock_timeout', :lockWait, true)",
                Object[].class)
                .setParameter("limit", Long.toString(Math.max(1, limit.toMillis())))
                .setParameter("lockWait", Long.toString(Math.max(1, lockWait.toMillis())))
                .getSingleResult())
                .replaceWithVoid();
    }

    /**
     * Keeps this transaction from reading a table, or all of a wave's ranks, whole: each statement of a
     * batch of verdicts reaches its rows by key (a few thousand), but a planner whose statistics predate
     * the ranks (written a moment ago) or the wave's last registrations prefers a sequential or bitmap
     * scan that reads all of them, for every batch; and a prepared statement run more than five times
     * on one connection may be given a generic plan, made without the batch's bounds, that does the
     * same. SET LOCAL semantics: the connection's settings return at commit.
     */
    public Uni<Void> readByKeyOnly() {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true), "
                        + "set_config('plan_cache_mode', 'force_custom_plan', true)", Object[].class)
                .getSingleResult())
                .replaceWithVoid();
    }

    /**
     * Locks the wave's row for its draw, so concurrent draw calls make one draw. FOR NO KEY UPDATE, not
     * FOR UPDATE: an insert that references the wave (a funnel counter of a release, during a draw that
     * runs for minutes) takes FOR KEY SHARE on this row, which FOR UPDATE would make wait until its lock
     * timeout, and a release holding its registration's row while the draw waits for that row would
     * close a circle. Returns whether the wave exists. Must run first in each of the draw's transactions
     * that write the wave.
     */
    public Uni<Boolean> lockWave(String code) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT id FROM wave WHERE code = :code FOR NO KEY UPDATE", Long.class)
                .setParameter("code", code)
                .getResultList())
                .map(ids -> !ids.isEmpty());
    }

    /**
     * Until when another call is making this wave's draw (null: none is). Must run in a transaction
     * that holds the wave's row ({@link #lockWave}).
     */
    public Uni<Instant> drawRunningUntil(long waveId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT draw_running_until FROM wave WHERE id = :waveId", OffsetDateTime.class)
                .setParameter("waveId", waveId)
                .getSingleResult())
                .map(until -> until == null ? null : until.toInstant());
    }

    /**
     * Whether the wave's draw is still this call's, renewing its lease to {@code leaseUntil} and holding
     * the wave's row until the transaction ends, so that no other call can take the draw over meanwhile:
     * each batch of verdicts and each try of the publication checks it first, and stops when another
     * call took over (this one had stopped renewing its lease).
     */
    public Uni<Boolean> stillDrawing(long waveId, UUID call, Instant leaseUntil) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE wave SET draw_running_until = CAST(:leaseUntil AS timestamptz)
                WHERE id = :waveId AND draw_call = :call AND drawn_at IS NULL RETURNING id""", Long.class)
                .setParameter("waveId", waveId)
                .setParameter("call", call)
                .setParameter("leaseUntil", OffsetDateTime.ofInstant(leaseUntil, ZoneOffset.UTC))
                .getResultList())
                .map(ids -> !ids.isEmpty());
    }

    /**
     * Whether the wave's draw is published, until when a call is making it (either may be null), and
     * whether its registrants not selected are told.
     */
    public record Progress(Instant drawnAt, Instant runningUntil, boolean notifyNotSelected) {
    }

    /** The wave's draw as it stands, read in one statement. */
    public Uni<Progress> progress(long waveId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT drawn_at, draw_running_until, notify_not_selected FROM wave WHERE id = :waveId", Object[].class)
                .setParameter("waveId", waveId)
                .getSingleResult())
                .map(row -> new Progress(SqlValues.instant(row[0]), SqlValues.instant(row[1]), Boolean.TRUE.equals(row[2])));
    }

    /** Marks the wave's draw as being made by this call, on a lease until {@code leaseUntil}. */
    public Uni<Void> markDrawRunning(long waveId, UUID call, Instant leaseUntil) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "UPDATE wave SET draw_call = :call, draw_running_until = CAST(:leaseUntil AS timestamptz) WHERE id = :waveId")
                .setParameter("call", call)
                .setParameter("leaseUntil", OffsetDateTime.ofInstant(leaseUntil, ZoneOffset.UTC))
                .setParameter("waveId", waveId)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** Clears this call's mark as it publishes the draw. */
    public Uni<Void> clearDrawRunning(long waveId, UUID call) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "UPDATE wave SET draw_running_until = NULL, draw_call = NULL WHERE id = :waveId AND draw_call = :call")
                .setParameter("call", call)
                .setParameter("waveId", waveId)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * After a draw that failed: its ranks deleted and its mark cleared, so that it can be run again at
     * once, but only while the draw is still this call's (another call that took it over ranks into the
     * same table). Runs first in its transaction.
     */
    public Uni<Void> abandon(long waveId, UUID call) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                WITH mine AS (
                    SELECT id FROM wave WHERE id = :waveId AND draw_call = :call AND drawn_at IS NULL
                    FOR NO KEY UPDATE),
                cleared AS (
                    UPDATE wave SET draw_running_until = NULL, draw_call = NULL FROM mine WHERE wave.id = mine.id RETURNING wave.id)
                DELETE FROM draw_rank WHERE wave_id IN (SELECT id FROM cleared)""")
                .setParameter("waveId", waveId)
                .setParameter("call", call)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Ranks every eligible registration of the wave into draw_rank, afresh (a draw that stopped halfway
     * ranks again: the ranks are the seed's). Locks no registration row. Returns how many were ranked.
     */
    public Uni<Integer> rank(byte[] seed, long waveId, int quota, boolean requireVerifiedNik) {
        return forgetRanks(waveId).chain(() -> Panache.getSession()).chain(session -> session.createNativeQuery(sql, Object[].class)
                .setParameter("seed", seed)
                .setParameter("waveId", waveId)
                .setParameter("quota", quota)
                .setParameter("requireVerified", requireVerifiedNik)
                .getSingleResult())
                .map(row -> ((Number) row[0]).intValue());
    }

    /** Writes the verdicts of the next batch of ranked registrations after {@code after} (null: from the first). */
    public Uni<Batch> writeVerdicts(long waveId, UUID after, int batchSize, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(verdicts, Object[].class)
                .setParameter("waveId", waveId)
                .setParameter("after", after == null ? BEFORE_EVERY_ID : after)
                .setParameter("batchSize", batchSize)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .getSingleResult())
                .map(row -> new Batch((UUID) row[0], ((Number) row[1]).intValue()));
    }

    /**
     * Waits for the releases in this wave that are committing and keeps new ones waiting until this
     * transaction ends: the wave's draw lock, exclusively. Waits for it at most {@code wait} (then
     * 55P03): while it waits, every new release in the wave queues behind it, and a release waits up to
     * its own lock timeout. Hold it only for the publication's last short steps. The transaction's lock
     * timeout stays {@code wait} after it.
     */
    public Uni<Void> holdReleases(long waveId, Duration wait) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT set_config('lock_timeout', :wait, true)", String.class)
                .setParameter("wait", Long.toString(Math.max(1, wait.toMillis())))
                .getSingleResult()
                .chain(() -> session.createNativeQuery(
                        "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(:lockClass, CAST(:waveId AS integer))) AS held", Long.class)
                        .setParameter("lockClass", DRAW_LOCK_CLASS)
                        .setParameter("waveId", waveId)
                        .getSingleResult()))
                .replaceWithVoid();
    }

    /**
     * The draw's outcome as draw_rank holds it once every batch is written: the ranked registrations
     * that are still eligible (releases took theirs out), how many of them the ranking selected, and
     * the highest selected rank. Releases must be held ({@link #holdReleases}).
     */
    public Uni<Outcome> countRanks(long waveId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT count(*), count(*) FILTER (WHERE selected), max(encode(digest, 'hex') COLLATE "C") FILTER (WHERE selected)
                FROM draw_rank WHERE wave_id = :waveId""", Object[].class)
                .setParameter("waveId", waveId)
                .getSingleResult())
                .map(row -> new Outcome(((Number) row[0]).intValue(), ((Number) row[1]).intValue(), (String) row[2]));
    }

    /** Deletes the wave's ranks (the published draw keeps them on its registrations). */
    public Uni<Void> forgetRanks(long waveId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "DELETE FROM draw_rank WHERE wave_id = :waveId")
                .setParameter("waveId", waveId)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Gives the places of registrations released while the draw was made to the next ranks, each told
     * as the draw tells the selected (the notices of the others were queued before the releases were
     * held, so a promoted one already told NOT_SELECTED is asked again). Runs once every batch is
     * written, with releases held: later releases find the draw published and promote as after any
     * draw. NOWAIT: a next rank whose row another transaction holds may be one being released, which
     * waits for the releases to be let go; the publication fails at once (55P03) and is run again.
     * The next ranks are past the highest still selected (every rank below it is selected, or released
     * and no longer in the wave's ranks), so the index is entered there rather than read from the
     * first rank. Returns the draw's outcome with the promoted counted.
     */
    public Uni<Outcome> fillPlacesReleasedMeanwhile(long waveId, int quota, Outcome drawn, Instant now) {
        int missing = Math.min(quota, drawn.eligible()) - drawn.selected();
        if (missing <= 0) {
            return Uni.createFrom().item(drawn);
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                WITH next AS (
                    SELECT id FROM registration
                    WHERE wave_id = :waveId AND selection_rank > :highestSelectedRank
                      AND selection_status = 'NOT_SELECTED' AND status = 'NOT_SELECTED'
                      AND released_at IS NULL AND erased_at IS NULL
                    ORDER BY selection_rank, id LIMIT :missing
                    FOR UPDATE NOWAIT),
                promoted AS (
                    UPDATE registration r SET selection_status = 'SELECTED', status = 'SELECTED', updated_at = :now
                    FROM next WHERE r.id = next.id
                    RETURNING r.id, r.selection_rank),
                told AS (
                    INSERT INTO verification_job (registration_id, kind, run_after, created_at)
                    SELECT id, 'OUTCOME_NOTICE', :now, :now FROM promoted
                    ON CONFLICT (registration_id, kind) WHERE state IN ('PENDING', 'RUNNING')
                    DO UPDATE SET revision = verification_job.revision + 1,
                                  run_after = least(verification_job.run_after, excluded.run_after))
                SELECT count(*), max(selection_rank) FROM promoted""", Object[].class)
                .setParameter("waveId", waveId)
                // Every rank is above the empty text: no rank is selected any more.
                .setParameter("highestSelectedRank", drawn.highestSelectedRank() == null ? "" : drawn.highestSelectedRank())
                .setParameter("missing", missing)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .getSingleResult())
                .map(row -> {
                    int promoted = ((Number) row[0]).intValue();
                    return promoted == 0 ? drawn
                            : new Outcome(drawn.eligible(), drawn.selected() + promoted, (String) row[1]);
                });
    }

    /**
     * Forgets the NIK digests kept so that nobody who withdrew from the wave could register in it again
     * before its draw: with the draw made they have no purpose left. Must run in the draw's publication.
     */
    public Uni<Void> forgetWithdrawals(long waveId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "DELETE FROM draw_withdrawal WHERE wave_id = :waveId")
                .setParameter("waveId", waveId)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** The statement without its comment lines (they explain it to readers, not to PostgreSQL). */
    static String load() {
        return SqlResource.load(RESOURCE);
    }
}
