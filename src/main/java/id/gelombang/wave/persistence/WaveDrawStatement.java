package id.gelombang.wave.persistence;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.database.SqlResource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Runs a wave's draw inside PostgreSQL: ranks, verdicts and counts in one set-based statement
 * (db/draw/draw.sql, which bench/bench.py --draw-only times as it is). Must run in a transaction.
 */
@ApplicationScoped
public class WaveDrawStatement {

    static final String RESOURCE = "db/draw/draw.sql";

    /** How many were eligible and selected, and the highest selected rank (null when none was selected). */
    public record Outcome(int eligible, int selected, String highestSelectedRank) {
    }

    private final String sql = load();

    /**
     * Lifts this transaction's statement and lock timeouts (5 s and 3 s on every pooled connection)
     * to {@code limit}: the draw of a large wave takes longer, and a second draw call waits for the
     * first instead of failing. SET LOCAL semantics: the connection's limits return at commit.
     */
    public Uni<Void> allowUpTo(Duration limit) {
        String millis = Long.toString(limit.toMillis());
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT set_config('statement_timeout', :limit, true), set_config('lock_timeout', :limit, true)",
                Object[].class)
                .setParameter("limit", millis)
                .getSingleResult())
                .replaceWithVoid();
    }

    /**
     * Locks the wave's row for its draw, so concurrent draw calls make one draw. FOR NO KEY UPDATE, not
     * FOR UPDATE: an insert that references the wave (a funnel counter of a release, during a draw that
     * runs for minutes) takes FOR KEY SHARE on this row, which FOR UPDATE would make wait until its lock
     * timeout, and a release holding its registration's row while the draw waits for that row would
     * close a circle. Returns whether the wave exists. Must run in the draw's transaction, first.
     */
    public Uni<Boolean> lockWave(String code) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT id FROM wave WHERE code = :code FOR NO KEY UPDATE", Long.class)
                .setParameter("code", code)
                .getResultList())
                .map(ids -> !ids.isEmpty());
    }

    public Uni<Outcome> run(byte[] seed, long waveId, int quota, boolean requireVerifiedNik, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(sql, Object[].class)
                .setParameter("seed", seed)
                .setParameter("waveId", waveId)
                .setParameter("quota", quota)
                .setParameter("requireVerified", requireVerifiedNik)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .getSingleResult())
                .map(row -> new Outcome(((Number) row[0]).intValue(), ((Number) row[1]).intValue(), (String) row[2]));
    }

    /**
     * Gives the places of registrations released while the draw's statement ran to the next ranks. The
     * statement ranks a snapshot taken as it starts; a release that commits before the statement reaches
     * its row leaves that row unranked (it is no longer eligible) and its place unfilled, and the
     * release saw no draw to promote from. This runs after it, in the same transaction, and sees those
     * releases. Later releases find the rows locked by the draw, wait for it, and promote as after any
     * draw. Returns the draw's outcome with the promoted counted.
     */
    public Uni<Outcome> fillPlacesReleasedMeanwhile(long waveId, int quota, Outcome drawn, Instant now) {
        int missing = Math.min(quota, drawn.eligible()) - drawn.selected();
        if (missing <= 0) {
            return Uni.createFrom().item(drawn);
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                WITH next AS (
                    SELECT id FROM registration
                    WHERE wave_id = :waveId AND selection_status = 'NOT_SELECTED' AND status = 'NOT_SELECTED'
                      AND released_at IS NULL AND erased_at IS NULL
                    ORDER BY selection_rank, id LIMIT :missing),
                promoted AS (
                    UPDATE registration r SET selection_status = 'SELECTED', status = 'SELECTED', updated_at = :now
                    FROM next WHERE r.id = next.id
                    RETURNING r.selection_rank)
                SELECT count(*), max(selection_rank) FROM promoted""", Object[].class)
                .setParameter("waveId", waveId)
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
     * before its draw: with the draw made they have no purpose left. Must run in the draw's transaction.
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
