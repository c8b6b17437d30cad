package id.gelombang.wave.schedule;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.storage.UploadConfig;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.wave.admin.WaveAdministration;
import id.gelombang.wave.admin.WaveDefinition;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The published schedule (schedule/waves.json, what GET /v1/waves/current answers from between
 * waves) says what the database has committed: changes at the same moment all reach it, a change
 * whose commit fails never does, and a publication that never happened after a commit is made by
 * the next read that reaches the database.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class SchedulePublicationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Database db;

    @Inject
    S3Client s3;

    @Inject
    UploadConfig uploads;

    @Inject
    WaveAdministration waves;

    @Inject
    ObjectMapper json;

    @Test
    void concurrentChangesAllReachThePublishedSchedule() throws Exception {
        int changes = 6;
        List<String> codes = java.util.stream.IntStream.range(0, changes)
                .mapToObj(n -> "C-" + UUID.randomUUID().toString().substring(0, 8)).toList();
        Instant opens = Instant.now().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
        // Every change stops at its audit row until they have all started, so they overlap for certain.
        SqlConnection holder = db.pool().getConnection().await().atMost(TIMEOUT);
        Concurrently.Outcome<String> outcome;
        try {
            Transaction held = holder.begin().await().atMost(TIMEOUT);
            holder.query("LOCK TABLE operator_audit IN SHARE MODE").execute().await().atMost(TIMEOUT);
            Thread release = new Thread(() -> {
                Instant until = Instant.now().plusSeconds(10);
                while (waitingOnLocks() < changes && Instant.now().isBefore(until)) {
                    Thread.onSpinWait();
                }
                held.rollback().await().atMost(TIMEOUT);
            });
            release.start();
            outcome = Concurrently.run(changes, changes, n -> {
                WaveDefinition definition = json.convertValue(Map.of("code", codes.get(n), "opensAt", opens.toString(),
                        "closesAt", opens.plus(Duration.ofDays(n + 1)).toString(), "quota", 100 + n), WaveDefinition.class);
                try {
                    return VertxContextSupport.subscribeAndAwait(() -> waves.create(definition, "test")).code();
                } catch (Throwable e) {
                    return "failed: " + e;
                }
            });
            release.join();
        } finally {
            holder.close().await().atMost(TIMEOUT);
        }
        assertThat(outcome.results()).containsExactlyInAnyOrderElementsOf(codes);
        assertThat(outcome.maxInFlight()).isGreaterThan(1);

        Map<String, JsonNode> published = published();
        for (int n = 0; n < changes; n++) {
            assertThat(published).as("published schedule").containsKey(codes.get(n));
            assertThat(published.get(codes.get(n)).path("quota").asInt()).isEqualTo(100 + n);
        }
    }

    @Test
    void aChangeWhoseCommitFailsIsNeverPublished() {
        String code = "F-" + UUID.randomUUID().toString().substring(0, 8);
        Instant opens = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        operator().body(Map.of("code", code, "opensAt", opens.toString(), "closesAt", opens.plus(Duration.ofDays(2)).toString(),
                "quota", 100)).post("/v1/admin/waves").then().statusCode(201);
        assertThat(published().get(code).path("quota").asInt()).isEqualTo(100);
        // The database refuses the commit (a deferred check): the change is rolled back after all its statements ran.
        db.execute("""
                CREATE FUNCTION schedule_test_refused_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'injected commit failure';
                END $$""");
        try {
            db.execute("""
                    CREATE CONSTRAINT TRIGGER schedule_test_refused_commit AFTER UPDATE ON wave
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.code = '%s')
                    EXECUTE FUNCTION schedule_test_refused_commit()""".formatted(code));
            int status = operator().body(Map.of("quota", 200, "closesAt", opens.plus(Duration.ofDays(5)).toString()))
                    .patch("/v1/admin/waves/" + code).then().extract().statusCode();
            assertThat(status).isGreaterThanOrEqualTo(500);
        } finally {
            db.execute("DROP TRIGGER IF EXISTS schedule_test_refused_commit ON wave");
            db.execute("DROP FUNCTION IF EXISTS schedule_test_refused_commit()");
        }

        assertThat(db.count("SELECT quota FROM wave WHERE code = $1", code)).isEqualTo(100);
        JsonNode entry = published().get(code);
        assertThat(entry.path("quota").asInt()).as("published quota").isEqualTo(100);
        assertThat(Instant.parse(entry.path("closesAt").asText())).isEqualTo(opens.plus(Duration.ofDays(2)));
    }

    @Test
    void aPublicationThatNeverHappenedIsMadeByTheNextReadThatReachesTheDatabase() {
        String code = "R-" + UUID.randomUUID().toString().substring(0, 8);
        Instant opens = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        operator().body(Map.of("code", code, "opensAt", opens.toString(), "closesAt", opens.plus(Duration.ofDays(2)).toString(),
                "quota", 100)).post("/v1/admin/waves").then().statusCode(201);

        // Committed, and the function died before publishing it.
        db.execute("UPDATE wave SET quota = 321 WHERE code = $1", code);
        assertThat(published().get(code).path("quota").asInt()).isEqualTo(100);

        // A wave is open: the public page's read reaches the database, and publishes.
        given().get("/v1/waves/current").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("OPEN"));
        assertThat(published().get(code).path("quota").asInt()).isEqualTo(321);

        // The operators' views reach the database too.
        db.execute("UPDATE wave SET quota = 654 WHERE code = $1", code);
        operator().get("/v1/admin/waves").then().statusCode(200);
        assertThat(published().get(code).path("quota").asInt()).isEqualTo(654);
    }

    private long waitingOnLocks() {
        return db.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
    }

    /** The published schedule as S3 holds it, by wave code. */
    private Map<String, JsonNode> published() {
        try {
            JsonNode entries = new ObjectMapper().readTree(
                    s3.getObjectAsBytes(r -> r.bucket(uploads.bucket().orElseThrow()).key("schedule/waves.json")).asByteArray());
            Map<String, JsonNode> byCode = new HashMap<>();
            entries.forEach(entry -> byCode.put(entry.path("code").asText(), entry));
            return byCode;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
