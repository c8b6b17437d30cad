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

    public record Outcome(int eligible, int selected) {
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

    public Uni<Outcome> run(byte[] seed, long waveId, int quota, boolean requireVerifiedNik, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(sql, Object[].class)
                .setParameter("seed", seed)
                .setParameter("waveId", waveId)
                .setParameter("quota", quota)
                .setParameter("requireVerified", requireVerifiedNik)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .getSingleResult())
                .map(row -> new Outcome(((Number) row[0]).intValue(), ((Number) row[1]).intValue()));
    }

    /** The statement without its comment lines (they explain it to readers, not to PostgreSQL). */
    static String load() {
        return SqlResource.load(RESOURCE);
    }
}
