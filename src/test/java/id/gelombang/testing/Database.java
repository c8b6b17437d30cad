package id.gelombang.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Direct SQL for tests: set up waves and count what the API really stored. */
@ApplicationScoped
public class Database {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Pool pool;

    public Database(Pool pool) {
        this.pool = pool;
    }

    public Pool pool() {
        return pool;
    }

    /** Creates a wave with a unique code and returns the code. */
    public String createWave(Instant opensAt, Instant closesAt, int quota) {
        String code = "T-" + UUID.randomUUID().toString().substring(0, 8);
        pool.preparedQuery("INSERT INTO wave (code, opens_at, closes_at, quota) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(code, utc(opensAt), utc(closesAt), quota))
                .await().atMost(TIMEOUT);
        return code;
    }

    public long registrationsInWave(String waveCode) {
        return count("SELECT count(*) FROM registration WHERE wave_code = $1", waveCode);
    }

    /** The wave's own count: the places taken, summed over its shards. */
    public long registeredCount(String waveCode) {
        return count("SELECT coalesce(sum(p.taken), 0) FROM wave_place p JOIN wave w ON w.id = p.wave_id WHERE w.code = $1",
                waveCode);
    }

    public long registrations() {
        return count("SELECT count(*) FROM registration");
    }

    public long idempotencyRecords() {
        return count("SELECT count(*) FROM idempotency_key");
    }

    public Row registration(String id) {
        return pool.preparedQuery("SELECT * FROM registration WHERE id = $1").execute(Tuple.of(UUID.fromString(id)))
                .await().atMost(TIMEOUT).iterator().next();
    }

    /** Runs a statement (test set-up that plays time forward or breaks things on purpose). */
    public void execute(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT);
    }

    public long count(String sql, Object... args) {
        Row row = pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT).iterator().next();
        return row.getLong(0);
    }

    /** The first column of every row, as numbers. */
    public java.util.List<Long> longs(String sql, Object... args) {
        java.util.List<Long> values = new java.util.ArrayList<>();
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT).forEach(row -> values.add(row.getLong(0)));
        return values;
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
