package id.gelombang.common.schema;

import java.time.Duration;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import id.gelombang.testing.Database;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgConnectOptions;

/**
 * A database of its own on the test server, for a migration test: Flyway as the application
 * configures it (the bundle's scripts), pointed at it, and plain connections. Dropped on close.
 */
final class ScratchDatabase implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Database db;
    private final Vertx vertx;
    private final PgConnectOptions options;
    final String name;

    ScratchDatabase(Database db, Vertx vertx, String reactiveUrl, String user, String password) {
        this.db = db;
        this.vertx = vertx;
        this.name = "scratch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        this.options = PgConnectOptions.fromUri(reactiveUrl).setDatabase(name).setUser(user).setPassword(password);
        db.execute("CREATE DATABASE " + name);
    }

    /** Flyway with the application's configuration, on this database, adjusted by {@code change}. */
    Flyway flyway(UnaryOperator<FluentConfiguration> change) {
        return change.apply(SchemaMigrator.configure("jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + name,
                options.getUser(), options.getPassword())).load();
    }

    Flyway flyway() {
        return flyway(c -> c);
    }

    PgConnection connect() {
        return PgConnection.connect(vertx, options).await().atMost(TIMEOUT);
    }

    /** Runs SQL as the earlier migrator did: the whole text in one simple-protocol query. */
    void run(String sql) {
        PgConnection conn = connect();
        try {
            conn.query(sql).execute().await().atMost(TIMEOUT);
        } finally {
            conn.close().await().atMost(TIMEOUT);
        }
    }

    Row one(String sql) {
        PgConnection conn = connect();
        try {
            return conn.query(sql).execute().await().atMost(TIMEOUT).iterator().next();
        } finally {
            conn.close().await().atMost(TIMEOUT);
        }
    }

    long count(String sql) {
        return one(sql).getLong(0);
    }

    @Override
    public void close() {
        db.execute("DROP DATABASE " + name + " WITH (FORCE)");
    }
}
