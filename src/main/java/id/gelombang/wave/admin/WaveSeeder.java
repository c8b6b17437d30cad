package id.gelombang.wave.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import id.gelombang.wave.schedule.WaveSchedule;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Creates or updates the configured waves; a quota is never lowered below what is already registered
 * (and if registrations take places between the read and the change, the shards' trigger refuses it).
 */
@ApplicationScoped
public class WaveSeeder {

    private static final Logger LOG = Logger.getLogger(WaveSeeder.class);

    private final Pool pool;
    private final WaveSeedConfig config;
    private final WaveSchedule schedule;
    private final Clock clock;

    public WaveSeeder(Pool pool, WaveSeedConfig config, WaveSchedule schedule, Clock clock) {
        this.pool = pool;
        this.config = config;
        this.schedule = schedule;
        this.clock = clock;
    }

    // Runs after SchemaMigrator (PLATFORM_BEFORE) so the table exists.
    void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) StartupEvent event) {
        if (!config.seedAtStart()) {
            return;
        }
        for (Map.Entry<String, WaveSeedConfig.Definition> entry : config.seed().entrySet()) {
            WaveSeedConfig.Definition wave = entry.getValue();
            pool.preparedQuery("""
                    INSERT INTO wave (code, opens_at, closes_at, quota, household_limit)
                    VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (code) DO UPDATE SET
                        opens_at = excluded.opens_at,
                        closes_at = excluded.closes_at,
                        quota = GREATEST(excluded.quota,
                            (SELECT coalesce(sum(p.taken), 0) FROM wave_place p WHERE p.wave_id = wave.id)),
                        household_limit = excluded.household_limit""")
                    .execute(Tuple.of(entry.getKey(),
                            OffsetDateTime.ofInstant(wave.opensAt(), ZoneOffset.UTC),
                            OffsetDateTime.ofInstant(wave.closesAt(), ZoneOffset.UTC),
                            wave.quota(),
                            wave.householdLimit().orElse(2)))
                    .await().atMost(Duration.ofSeconds(30));
            LOG.infof("Wave %s defined from configuration", entry.getKey());
        }
        try {
            VertxContextSupport.subscribeAndAwait(() -> schedule.publish(true, clock.instant()));
        } catch (Throwable e) {
            // The waves are defined and the schedule generation raised: the next read that reaches the database publishes it.
            LOG.errorf("The wave schedule could not be published: %s", e.getClass().getName());
        }
    }
}
