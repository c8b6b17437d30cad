package id.gelombang.wave;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * "Which wave is current" is written twice, once in SQL ({@code current_wave}, which the registration
 * and Wave.currentOrNext ask) and once in Java ({@link CurrentWave}, for the in-memory copies): random
 * schedules with waves that open at the same instant, closed, upcoming and overlapping waves, judged
 * at random instants by both, must get the same answer. Each schedule lives in a transaction that is
 * rolled back, so no other test sees it or its changes.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class CurrentWaveTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Instant ORIGIN = Instant.parse("2031-03-01T00:00:00Z");

    record Scheduled(long id, Instant opensAt, Instant closesAt) implements CurrentWave.Scheduled {
    }

    @Inject
    Pool pool;

    @Test
    void theDatabaseAndTheJavaRuleNameTheSameCurrentWaveForRandomSchedules() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        int judged = 0;
        int open = 0;
        int none = 0;
        for (int schedule = 0; schedule < 60; schedule++) {
            SqlConnection conn = pool.getConnection().await().atMost(TIMEOUT);
            try {
                conn.query("BEGIN").execute().await().atMost(TIMEOUT);
                // The waves other tests made close long before ORIGIN here: only this schedule counts.
                conn.query("UPDATE wave SET opens_at = '2001-01-01T00:00:00Z', closes_at = '2001-01-02T00:00:00Z'")
                        .execute().await().atMost(TIMEOUT);
                List<Scheduled> waves = new ArrayList<>();
                for (int i = random.nextInt(7); i > 0; i--) {
                    // Hours on a coarse grid, so that openings and closings often coincide.
                    Instant opensAt = ORIGIN.plus(Duration.ofHours(random.nextInt(8)));
                    Instant closesAt = opensAt.plus(Duration.ofHours(1 + random.nextInt(5)));
                    Row row = conn.preparedQuery("INSERT INTO wave (code, opens_at, closes_at, quota) VALUES ($1, $2, $3, 5) RETURNING id")
                            .execute(Tuple.of("CW-" + UUID.randomUUID().toString().substring(0, 8), utc(opensAt), utc(closesAt)))
                            .await().atMost(TIMEOUT).iterator().next();
                    waves.add(new Scheduled(row.getLong("id"), opensAt, closesAt));
                }
                for (int minute = -30; minute <= 14 * 60; minute += 30) {
                    Instant now = ORIGIN.plus(Duration.ofMinutes(minute));
                    Row db = conn.preparedQuery("SELECT (SELECT id FROM current_wave($1)) AS current, current_wave_id($1) AS by_id")
                            .execute(Tuple.of(utc(now))).await().atMost(TIMEOUT).iterator().next();
                    Optional<Scheduled> java = CurrentWave.currentOrNext(waves, now);
                    String why = "seed " + seed + ", waves " + waves + ", at " + now;
                    assertThat(Optional.ofNullable(db.getLong("current"))).as(why).isEqualTo(java.map(Scheduled::id));
                    assertThat(Optional.ofNullable(db.getLong("by_id"))).as(why).isEqualTo(java.map(Scheduled::id));
                    Optional<Scheduled> openNow = CurrentWave.openAt(waves, now);
                    assertThat(openNow.isPresent()).as(why)
                            .isEqualTo(waves.stream().anyMatch(w -> w.statusAt(now) == WaveStatus.OPEN));
                    judged++;
                    open += openNow.isPresent() ? 1 : 0;
                    none += java.isEmpty() ? 1 : 0;
                }
            } finally {
                conn.query("ROLLBACK").execute().await().atMost(TIMEOUT);
                conn.close().await().atMost(TIMEOUT);
            }
        }
        // The schedules reached each kind of answer: open, upcoming only, and none at all.
        assertThat(open).isPositive();
        assertThat(none).isPositive();
        assertThat(judged - open - none).isPositive();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
