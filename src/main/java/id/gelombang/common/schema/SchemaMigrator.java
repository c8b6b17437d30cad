package id.gelombang.common.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import id.gelombang.common.crypto.Digests;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Applies the versioned SQL scripts under {@code db/migration} in order, each exactly once, in
 * one transaction under an advisory lock so concurrent starters cannot race. A script that was
 * changed after it was applied stops the start. Flyway would do the same but needs JDBC, Agroal
 * and a second connection beside the reactive pool (docs/decisions/0006-migrations.md). After migrating it
 * sets the LOGIN password of the application's role when one is configured.
 */
@ApplicationScoped
public class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);
    private static final String INDEX = "db/migration/index.txt";
    /** Arbitrary constant naming this application's migration lock. */
    private static final long LOCK_ID = 7_135_218_004_310_566_913L;
    /** The least-privilege role the application connects as (V8__application_role.sql). */
    public static final String APP_ROLE = "gelombang_app";

    record Script(int version, String name, String sql, String checksum) {
    }

    private final Pool pool;
    private final SchemaConfig config;

    public SchemaMigrator(Pool pool, SchemaConfig config) {
        this.pool = pool;
        this.config = config;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (config.migrateAtStart()) {
            int applied = migrate().await().atMost(Duration.ofSeconds(60));
            LOG.infof("Schema up to date (%d script(s) applied now)", applied);
            config.appUserPassword().ifPresent(password -> {
                setAppUserPassword(password).await().atMost(Duration.ofSeconds(30));
                LOG.infof("LOGIN password of role %s set", APP_ROLE);
            });
        }
    }

    /**
     * ALTER ROLE takes no bind parameters: the server itself quotes the password ({@code format %L})
     * and the statement it returns is run as it is. Never logged.
     */
    Uni<Void> setAppUserPassword(String password) {
        return pool.withConnection(conn -> conn
                .preparedQuery("SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text)")
                .execute(Tuple.of(APP_ROLE, password))
                .chain(rows -> conn.query(rows.iterator().next().getString(0)).execute())
                .replaceWithVoid());
    }

    /** Applies pending scripts; emits how many were applied. */
    public Uni<Integer> migrate() {
        List<Script> scripts = bundledScripts();
        return pool.withTransaction(conn -> conn.query("SELECT pg_advisory_xact_lock(" + LOCK_ID + ")").execute()
                .chain(() -> conn.query("""
                        CREATE TABLE IF NOT EXISTS schema_history (
                            version    integer PRIMARY KEY,
                            script     text NOT NULL,
                            checksum   text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now())""").execute())
                .chain(() -> conn.query("SELECT version, checksum FROM schema_history").execute())
                .chain(rows -> {
                    Map<Integer, String> applied = new HashMap<>();
                    for (Row row : rows) {
                        applied.put(row.getInteger("version"), row.getString("checksum"));
                    }
                    List<Script> pending = new ArrayList<>();
                    for (Script script : scripts) {
                        String known = applied.get(script.version());
                        if (known == null) {
                            pending.add(script);
                        } else if (!known.equals(script.checksum())) {
                            return Uni.createFrom().failure(new IllegalStateException(
                                    "Migration " + script.name() + " changed after it was applied"));
                        }
                    }
                    return Multi.createFrom().iterable(pending)
                            .onItem().transformToUniAndConcatenate(script -> apply(conn, script))
                            .collect().asList()
                            .map(List::size);
                }));
    }

    private static Uni<String> apply(SqlConnection conn, Script script) {
        LOG.infof("Applying migration %s", script.name());
        return conn.query(script.sql()).execute()
                .chain(() -> conn.preparedQuery("INSERT INTO schema_history (version, script, checksum) VALUES ($1, $2, $3)")
                        .execute(Tuple.of(script.version(), script.name(), script.checksum())))
                .replaceWith(script.name());
    }

    static List<Script> bundledScripts() {
        List<Script> scripts = new ArrayList<>();
        for (String line : read(INDEX).split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            // V<version>__<description>.sql
            int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
            if (!scripts.isEmpty() && scripts.get(scripts.size() - 1).version() >= version) {
                throw new IllegalStateException("Migrations must be listed in increasing version order: " + name);
            }
            String sql = read("db/migration/" + name);
            scripts.add(new Script(version, name, sql, Digests.sha256Hex(sql)));
        }
        return scripts;
    }

    private static String read(String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
