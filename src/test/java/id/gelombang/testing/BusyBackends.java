package id.gelombang.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Watches PostgreSQL itself while a test runs: on a connection of its own (outside the
 * application's pool), samples pg_stat_activity for backends of other sessions that are inside a
 * transaction, and keeps the highest count seen. Shows at the database that the application's
 * transactions really overlapped on separate connections.
 */
public final class BusyBackends implements AutoCloseable {

    private static final String SAMPLE = """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
              AND xact_start IS NOT NULL AND (state = 'active' OR state LIKE 'idle in transaction%')""";

    private final PgConnection connection;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger max = new AtomicInteger();
    private final AtomicInteger samples = new AtomicInteger();
    private final Thread sampler;

    private BusyBackends(PgConnection connection) {
        this.connection = connection;
        this.sampler = new Thread(this::sampleUntilStopped, "busy-backends");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling; close to stop. */
    public static BusyBackends sample(Vertx vertx) {
        Config config = ConfigProvider.getConfig();
        PgConnectOptions options = PgConnectOptions.fromUri(config.getValue("quarkus.datasource.reactive.url", String.class))
                .setUser(config.getValue("quarkus.datasource.username", String.class))
                .setPassword(config.getValue("quarkus.datasource.password", String.class));
        return new BusyBackends(PgConnection.connect(vertx, options).await().atMost(Duration.ofSeconds(10)));
    }

    /** The most backends seen inside a transaction at one instant. */
    public int max() {
        return max.get();
    }

    public int samples() {
        return samples.get();
    }

    private void sampleUntilStopped() {
        while (!stopped.get()) {
            long busy = connection.query(SAMPLE).execute().await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
            max.accumulateAndGet((int) busy, Math::max);
            samples.incrementAndGet();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (stopped.getAndSet(true)) {
            return;
        }
        sampler.join(15_000);
        connection.close().await().atMost(Duration.ofSeconds(10));
    }
}
