package id.gelombang.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import id.gelombang.common.schema.SchemaMigrator;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.TestWaves;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;

/**
 * The role the functions connect as in AWS (created by V8, its password set by the migration):
 * rows yes, schema no (nor its migration history), the registration function (R__registration.sql)
 * yes, and the operator audit append-only by privilege, not only by trigger.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class ApplicationRoleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Vertx vertx;

    @Inject
    Database db;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

    @Test
    void theMigrationGaveTheRoleItsLoginPassword() {
        Row role = db.pool().query("SELECT rolcanlogin, rolpassword IS NOT NULL AS has_password, rolsuper, rolcreaterole "
                + "FROM pg_authid WHERE rolname = '" + SchemaMigrator.APP_ROLE + "'").execute().await().atMost(TIMEOUT).iterator().next();
        assertThat(role.getBoolean("rolcanlogin")).isTrue();
        assertThat(role.getBoolean("has_password")).isTrue();
        assertThat(role.getBoolean("rolsuper")).isFalse();
        assertThat(role.getBoolean("rolcreaterole")).isFalse();
    }

    @Test
    void theApplicationRoleWritesRowsButCannotChangeTheSchema() {
        assertThat(refusal("CREATE TABLE intruder (id int)")).contains("permission denied");
        assertThat(refusal("ALTER TABLE registration ADD COLUMN intruder int")).contains("must be owner");
        assertThat(refusal("DROP TABLE wave")).contains("must be owner");
        assertThat(refusal("SELECT * FROM flyway_schema_history")).contains("permission denied");

        long waveId = db.pool().preparedQuery("SELECT id FROM wave WHERE code = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(TestWaves.OPEN)).await().atMost(TIMEOUT).iterator().next().getLong(0);
        int inserted = asApplication(conn -> conn.begin().chain(tx -> conn.query("""
                INSERT INTO registration (id, wave_id, wave_code, token_digest, status, created_at, updated_at)
                VALUES ('%s', %d, '%s', '\\x%s', 'PENDING_UPLOAD', now(), now())""".formatted(
                UUID.randomUUID(), waveId, TestWaves.OPEN, UUID.randomUUID().toString().replace("-", "")))
                .execute().map(rows -> rows.rowCount())
                .call(tx::rollback)));
        assertThat(inserted).isEqualTo(1);
    }

    @Test
    void theApplicationRoleRegistersThroughTheOneStatementFunction() {
        Row wave = db.pool().preparedQuery("SELECT id, opens_at, closes_at, household_limit FROM wave WHERE code = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(TestWaves.OPEN)).await().atMost(TIMEOUT).iterator().next();
        String outcome = asApplication(conn -> conn.begin().chain(tx -> conn.query("""
                SELECT outcome FROM register_in_one_statement('role-test-%s', %d, '\\x01', now(), '%s', %d, '%s', '%s', %d, false,
                    '%s', '\\x%s', '\\x0b', '\\x0c', '\\x%s', '\\x0e', '/v1/registrations/role-test',
                    ARRAY[201, 409, 409, 409, 409, 409], ARRAY['\\x11', '\\x12', '\\x13', '\\x14', '\\x15', '\\x16']::bytea[],
                    '\\x%s', 3, '\\x%s', date_trunc('minute', now()), 300)""".formatted(
                UUID.randomUUID(), System.nanoTime(), TestWaves.OPEN, wave.getLong("id"), wave.getOffsetDateTime("opens_at"),
                wave.getOffsetDateTime("closes_at"), wave.getInteger("household_limit"), UUID.randomUUID(),
                UUID.randomUUID().toString().replace("-", ""), UUID.randomUUID().toString().replace("-", ""),
                UUID.randomUUID().toString().replace("-", ""), UUID.randomUUID().toString().replace("-", "")))
                .execute().map(rows -> rows.iterator().next().getString("outcome"))
                .call(tx::rollback)));
        // Every table the function writes (registration, household, the address's and the source's counts, wave_place,
        // jobs, email code, stored reply) is the role's to write.
        assertThat(outcome).isEqualTo("ACCEPTED");
    }

    @Test
    void theApplicationRoleChangesAQuotaAndReleasesPlaces() {
        String wave = db.createWave(java.time.Instant.parse("2021-01-01T00:00:00Z"), java.time.Instant.parse("2099-01-01T00:00:00Z"), 10);
        // A quota change fires the trigger that spreads the wave's places over its shards again (V10).
        String outcome = asApplication(conn -> conn.begin().chain(tx -> conn.query(
                "UPDATE wave SET quota = 20 WHERE code = '" + wave + "'").execute()
                .chain(() -> conn.query("SELECT sum(p.capacity) || ' ' || release_registration(gen_random_uuid(), now()) "
                        + "FROM wave_place p JOIN wave w ON w.id = p.wave_id WHERE w.code = '" + wave + "'").execute())
                .map(rows -> rows.iterator().next().getString(0))
                .call(tx::rollback)));
        assertThat(outcome).isEqualTo("20 false");
    }

    @Test
    void theOperatorAuditIsAppendOnlyByPrivilege() {
        int inserted = asApplication(conn -> conn.begin().chain(tx -> conn.query(
                "INSERT INTO operator_audit (at, actor, action) VALUES (now(), 'role-test', 'CHECK')")
                .execute().map(rows -> rows.rowCount()).call(tx::rollback)));
        assertThat(inserted).isEqualTo(1);
        // The trigger refuses too, with its own message: these are refused before it runs.
        assertThat(refusal("UPDATE operator_audit SET actor = 'someone else'")).contains("permission denied for table operator_audit");
        assertThat(refusal("DELETE FROM operator_audit")).contains("permission denied for table operator_audit");
        assertThat(refusal("TRUNCATE operator_audit")).contains("permission denied for table operator_audit");
    }

    private String refusal(String sql) {
        Throwable refused = catchThrowable(() -> asApplication(conn -> conn.query(sql).execute().replaceWith(0)));
        assertThat(refused).as(sql).isInstanceOf(PgException.class);
        assertThat(((PgException) refused).getSqlState()).as(sql).isEqualTo("42501");
        return refused.getMessage();
    }

    private <T> T asApplication(Function<PgConnection, Uni<T>> work) {
        PgConnectOptions options = PgConnectOptions.fromUri(url)
                .setUser(SchemaMigrator.APP_ROLE)
                .setPassword(LocalBackendsResource.APP_ROLE_PASSWORD);
        return PgConnection.connect(vertx, options)
                .chain(conn -> work.apply(conn).eventually(conn::close))
                .await().atMost(TIMEOUT);
    }
}
