package id.gelombang.common.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

import id.gelombang.common.crypto.Digests;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;

/**
 * Flyway takes over databases the earlier migrator kept (its {@code schema_history}) without applying
 * anything twice, refuses one whose applied scripts this build does not have as they were applied,
 * and starters that race apply each script once. Each case on a database of its own.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class SchemaMigratorTest {

    @Inject
    Vertx vertx;

    @Inject
    Database db;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void aDatabaseTheEarlierMigratorKeptIsBaselinedAtItsLastScriptAndOnlyLaterOnesRun() {
        try (ScratchDatabase scratch = scratch()) {
            migrateAsBeforeFlyway(scratch, 17);
            scratch.run("INSERT INTO wave (code, opens_at, closes_at, quota) VALUES ('KEPT', now(), now() + interval '1 day', 5)");

            MigrateResult result = SchemaMigrator.migrate(scratch.flyway(), Optional.empty());

            assertThat(result.migrations).extracting(m -> m.filepath.substring(m.filepath.lastIndexOf('/') + 1))
                    .containsExactly("V18__erasure_schedule_and_retention.sql", "V19__refusals_counted_apart_from_outages.sql",
                            "V20__published_ranks_files.sql", "V21__contested_nik_held_without_proof.sql",
                            "V22__draw_in_short_transactions.sql", "R__registration.sql");
            assertThat(scratch.one("SELECT version, type FROM flyway_schema_history WHERE installed_rank = 1")
                    .toJson().encode()).isEqualTo("{\"version\":\"17\",\"type\":\"BASELINE\"}");
            assertThat(scratch.count("SELECT count(*) FROM wave WHERE code = 'KEPT'")).isEqualTo(1);
            // V18's column and the current registration function (its replies named) are there.
            assertThat(scratch.count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'wave' "
                    + "AND column_name = 'retention_done_at'")).isEqualTo(1);
            assertThat(scratch.count("SELECT count(*) FROM pg_proc WHERE proname = 'register_in_one_statement'")).isEqualTo(1);
            assertThat(scratch.count("SELECT pronargs FROM pg_proc WHERE proname = 'register_in_one_statement'")).isEqualTo(25);
            assertThat(scratch.count("SELECT count(*) FROM information_schema.table_privileges WHERE grantee = '"
                    + SchemaMigrator.APP_ROLE + "' AND table_name IN ('flyway_schema_history', 'schema_history')"))
                    .as("the application role's rights on either history").isZero();

            // The next start finds Flyway's history and applies nothing.
            assertThat(SchemaMigrator.migrate(scratch.flyway(), Optional.empty()).migrationsExecuted).isZero();
        }
    }

    @Test
    void aScriptThatDiffersFromWhatTheEarlierMigratorAppliedStopsTheStart() {
        try (ScratchDatabase scratch = scratch()) {
            migrateAsBeforeFlyway(scratch, 18);
            scratch.run("UPDATE schema_history SET checksum = repeat('0', 64) WHERE version = 3");

            Throwable refused = catchThrowable(() -> SchemaMigrator.migrate(scratch.flyway(), Optional.empty()));

            assertThat(refused).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("V3__verification_jobs.sql").hasMessageContaining("differs");
            assertThat(scratch.count("SELECT count(*) FROM pg_tables WHERE tablename = 'flyway_schema_history'")).isZero();
        }
    }

    @Test
    void aScriptTheEarlierMigratorAppliedThatThisBuildLacksStopsTheStart() {
        try (ScratchDatabase scratch = scratch()) {
            migrateAsBeforeFlyway(scratch, 18);
            scratch.run("INSERT INTO schema_history (version, script, checksum) VALUES (19, 'V19__from_elsewhere.sql', 'ab')");

            Throwable refused = catchThrowable(() -> SchemaMigrator.migrate(scratch.flyway(), Optional.empty()));

            assertThat(refused).isInstanceOf(IllegalStateException.class).hasMessageContaining("V19__from_elsewhere.sql");
            assertThat(scratch.count("SELECT count(*) FROM pg_tables WHERE tablename = 'flyway_schema_history'")).isZero();
        }
    }

    @Test
    void startersThatRaceOnAnEmptyDatabaseApplyEachScriptOnce() throws Exception {
        try (ScratchDatabase scratch = scratch()) {
            List<MigrateResult> results = race(4, () -> SchemaMigrator.migrate(scratch.flyway(), Optional.empty()));

            int scripts = scratch.flyway().info().applied().length;
            assertThat(results.stream().mapToInt(r -> r.migrationsExecuted).sum()).isEqualTo(scripts);
            assertThat(scratch.count("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(scripts);
            assertThat(scratch.count("SELECT count(DISTINCT coalesce(version, description)) FROM flyway_schema_history"))
                    .isEqualTo(scripts);
        }
    }

    @Test
    void startersThatRaceOnADatabaseTheEarlierMigratorKeptBaselineItOnce() throws Exception {
        try (ScratchDatabase scratch = scratch()) {
            migrateAsBeforeFlyway(scratch, 18);

            List<MigrateResult> results = race(4, () -> SchemaMigrator.migrate(scratch.flyway(), Optional.empty()));

            // The last script the earlier migrator could apply was V18: V19 to V22 and the repeatable one, once.
            assertThat(results.stream().mapToInt(r -> r.migrationsExecuted).sum()).as("the scripts after V18, once").isEqualTo(5);
            assertThat(scratch.count("SELECT count(*) FROM flyway_schema_history WHERE type = 'BASELINE'")).isEqualTo(1);
            assertThat(scratch.count("SELECT count(*) FROM flyway_schema_history")).as("the baseline and those five").isEqualTo(6);
        }
    }

    @Test
    void flywayConnectsWhereTheReactiveClientDoesWithItsSslMode() {
        assertThat(SchemaMigrator.jdbcUrl("postgresql://db.internal:5432/gelombang", Optional.of("REQUIRE")))
                .isEqualTo("jdbc:postgresql://db.internal:5432/gelombang?sslmode=require");
        assertThat(SchemaMigrator.jdbcUrl("vertx-reactive:postgresql://db.internal:5432/gelombang?connect_timeout=5", Optional.of("disable")))
                .isEqualTo("jdbc:postgresql://db.internal:5432/gelombang?connect_timeout=5&sslmode=disable");
        assertThat(SchemaMigrator.jdbcUrl("postgresql://127.0.0.1:5432/postgres", Optional.empty()))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres");
    }

    private ScratchDatabase scratch() {
        return new ScratchDatabase(db, vertx, url, user, password);
    }

    /**
     * As the earlier migrator left a database: its history table, then each versioned script up to
     * {@code lastVersion} as it shipped (V8 as it was then), each recorded with its SHA-256.
     */
    private void migrateAsBeforeFlyway(ScratchDatabase scratch, int lastVersion) {
        scratch.run("CREATE TABLE schema_history (version integer PRIMARY KEY, script text NOT NULL, checksum text NOT NULL, "
                + "applied_at timestamptz NOT NULL DEFAULT now())");
        for (MigrationInfo pending : scratch.flyway().info().pending()) {
            if (pending.getVersion() == null || Integer.parseInt(pending.getVersion().getVersion()) > lastVersion) {
                continue;
            }
            String script = pending.getScript().substring(pending.getScript().lastIndexOf('/') + 1);
            String sql = pending.getVersion().getVersion().equals("8") ? resource("db/before-flyway/" + script)
                    : resource("db/migration/" + script);
            scratch.run(sql);
            scratch.run("INSERT INTO schema_history (version, script, checksum) VALUES (" + pending.getVersion().getVersion()
                    + ", '" + script + "', '" + Digests.sha256Hex(sql) + "')");
        }
    }

    private static String resource(String name) {
        try (InputStream in = SchemaMigratorTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code starters} copies of the task at once (released together) and returns their results. */
    private static <T> List<T> race(int starters, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(starters);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < starters; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
