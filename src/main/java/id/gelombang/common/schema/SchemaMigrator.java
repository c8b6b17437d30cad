package id.gelombang.common.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.Config;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import id.gelombang.common.crypto.Digests;
import io.quarkus.runtime.StartupEvent;

/**
 * Brings the schema up to date with Flyway (the scripts under {@code db/migration}) when
 * {@code gelombang.schema.migrate-at-start} is on, then sets the LOGIN password of the application's
 * role when one is configured. Flyway connects over JDBC with a connection of its own, only then: no
 * other start opens it or needs its URL.
 * <p>
 * A database that the earlier migrator kept (its table {@value #LEGACY_HISTORY}, no Flyway history)
 * is baselined at the highest version recorded there, so nothing is applied twice; it refuses to
 * start when a script recorded there is missing from this build or differs from what was applied.
 * Every step runs under one session-level advisory lock (the earlier migrator's), so starters that
 * race wait for each other, baseline included; Flyway's own lock then guards each migration.
 */
@ApplicationScoped
public class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);
    /** The history table of the migrator Flyway replaced: version, script name, SHA-256 of the script. */
    static final String LEGACY_HISTORY = "schema_history";
    /** Arbitrary constant naming this application's migration lock (the earlier migrator's too). */
    private static final long LOCK_ID = 7_135_218_004_310_566_913L;
    /** The least-privilege role the application connects as (V8__application_role.sql). */
    public static final String APP_ROLE = "gelombang_app";
    /**
     * Scripts changed since the earlier migrator applied them, with the checksum it recorded. V8 named
     * that migrator's history table, which a database Flyway creates does not have.
     */
    static final Map<Integer, String> CHECKSUMS_AS_APPLIED_BEFORE_FLYWAY = Map.of(
            8, "654956aad326351719a135f81409fbafdf78938a4dc89f9538cc40f7aa697752");

    private final SchemaConfig config;
    private final Config all;

    public SchemaMigrator(SchemaConfig config, Config all) {
        this.config = config;
        this.all = all;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (config.migrateAtStart()) {
            String jdbcUrl = config.jdbcUrl().orElseGet(() -> jdbcUrl(all.getValue("quarkus.datasource.reactive.url", String.class),
                    all.getOptionalValue("quarkus.datasource.reactive.postgresql.ssl-mode", String.class)));
            migrate(configure(jdbcUrl, all.getValue("quarkus.datasource.username", String.class),
                    all.getOptionalValue("quarkus.datasource.password", String.class).orElse(null)).load(),
                    config.appUserPassword());
        }
    }

    /** The reactive client's URL ({@code postgresql://host:port/db}) as a JDBC URL, with its SSL mode. */
    static String jdbcUrl(String reactiveUrl, Optional<String> sslMode) {
        String url = "jdbc:" + reactiveUrl.replaceFirst("^vertx-reactive:", "");
        return sslMode.map(mode -> url + (url.contains("?") ? "&" : "?") + "sslmode=" + mode.toLowerCase(Locale.ROOT)).orElse(url);
    }

    /** Flyway as the application runs it: the scripts under db/migration, applied as they are written. */
    public static FluentConfiguration configure(String jdbcUrl, String user, String password) {
        return Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .placeholderReplacement(false);
    }

    /**
     * Baselines a database the earlier migrator kept, applies pending scripts, then sets the role's
     * password when one is given. Flyway's datasource gives this its own connection for the lock.
     */
    public static MigrateResult migrate(Flyway flyway, Optional<String> appUserPassword) {
        String flywayHistory = flyway.getConfiguration().getTable();
        try (Connection conn = flyway.getConfiguration().getDataSource().getConnection()) {
            execute(conn, "SELECT pg_advisory_lock(" + LOCK_ID + ")");
            try {
                baselineFromLegacyHistory(conn, flyway, flywayHistory);
                MigrateResult result = flyway.migrate();
                LOG.infof("Schema up to date at version %s (%d migration(s) applied now)",
                        result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                        result.migrationsExecuted);
                for (String history : List.of(flywayHistory, LEGACY_HISTORY)) {
                    if (exists(conn, history)) {
                        execute(conn, "REVOKE ALL ON " + history + " FROM " + APP_ROLE);
                    }
                }
                if (appUserPassword.isPresent()) {
                    setAppUserPassword(conn, appUserPassword.get());
                    LOG.infof("LOGIN password of role %s set", APP_ROLE);
                }
                return result;
            } finally {
                execute(conn, "SELECT pg_advisory_unlock(" + LOCK_ID + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Schema migration failed: " + e.getMessage(), e);
        }
    }

    /**
     * When the earlier migrator's history exists and Flyway's does not: checks every script recorded
     * there against this build, then records in Flyway's history a baseline at the highest version.
     */
    private static void baselineFromLegacyHistory(Connection conn, Flyway flyway, String flywayHistory) throws SQLException {
        if (!exists(conn, LEGACY_HISTORY) || exists(conn, flywayHistory)) {
            return;
        }
        List<AppliedScript> applied = new ArrayList<>();
        try (Statement statement = conn.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version, script, checksum FROM " + LEGACY_HISTORY)) {
            while (rows.next()) {
                applied.add(new AppliedScript(rows.getInt(1), rows.getString(2), rows.getString(3)));
            }
        }
        int baseline = legacyBaseline(applied);
        if (baseline == 0) {
            return;
        }
        Flyway.configure().configuration(flyway.getConfiguration())
                .baselineVersion(String.valueOf(baseline))
                .baselineDescription("Applied before Flyway (" + LEGACY_HISTORY + ")")
                .load().baseline();
        LOG.infof("Schema history taken over from %s: baselined at version %d", LEGACY_HISTORY, baseline);
    }

    /** One row of the earlier migrator's history. */
    record AppliedScript(int version, String script, String checksum) {
    }

    /**
     * The version to baseline at (0 when nothing was applied); refuses a script that is missing from
     * this build or differs from what was applied.
     */
    static int legacyBaseline(List<AppliedScript> applied) {
        int baseline = 0;
        for (AppliedScript script : applied) {
            String bundled = bundledScript(script.script());
            String expected = CHECKSUMS_AS_APPLIED_BEFORE_FLYWAY.getOrDefault(script.version(),
                    bundled == null ? null : Digests.sha256Hex(bundled));
            if (bundled == null || !script.checksum().equals(expected)
                    || !script.script().startsWith("V" + script.version() + "__")) {
                throw new IllegalStateException("Migration " + script.script() + " recorded in " + LEGACY_HISTORY
                        + " is missing from this build or differs from the script that was applied");
            }
            baseline = Math.max(baseline, script.version());
        }
        return baseline;
    }

    private static String bundledScript(String name) {
        if (name.contains("/")) {
            return null;
        }
        try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream("db/migration/" + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * ALTER ROLE takes no bind parameters: the server itself quotes the password ({@code format %L})
     * and the statement it returns is run as it is. Never logged.
     */
    private static void setAppUserPassword(Connection conn, String password) throws SQLException {
        String alter;
        try (PreparedStatement format = conn.prepareStatement("SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', ?::text, ?::text)")) {
            format.setString(1, APP_ROLE);
            format.setString(2, password);
            try (ResultSet rows = format.executeQuery()) {
                rows.next();
                alter = rows.getString(1);
            }
        }
        execute(conn, alter);
    }

    private static boolean exists(Connection conn, String table) throws SQLException {
        try (PreparedStatement query = conn.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            query.setString(1, table);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static void execute(Connection conn, String sql) throws SQLException {
        try (Statement statement = conn.createStatement()) {
            statement.execute(sql);
        }
    }
}
