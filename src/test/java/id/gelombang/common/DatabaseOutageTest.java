package id.gelombang.common;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.TcpProxy;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * PostgreSQL disappears in the middle of a stream of registrations and comes back. Every answer
 * meanwhile is 201 or a quick 503 with Retry-After, never a 500 or a hang; the service recovers by
 * itself; and every registration that was ever answered 201 is in the database afterwards.
 */
@QuarkusTest
@WithTestResource(value = LocalBackendsResource.class,
        initArgs = @ResourceArg(name = LocalBackendsResource.DATABASE_ARG, value = "proxied"))
class DatabaseOutageTest {

    /** Request deadline (8 s) plus slack for a loaded CI machine. */
    private static final Duration BOUND = Duration.ofSeconds(12);

    @Inject
    Database db;

    record Answer(int status, String retryAfter, String contentType, String id, Duration took) {
    }

    @Test
    void shedsLoadWhileTheDatabaseIsDownAndLosesNoAcceptedRegistration() throws Exception {
        TcpProxy database = LocalBackendsResource.databaseProxy();
        Instant start = Instant.now();
        Instant cutAt = start.plusSeconds(3);
        Instant restoreAt = start.plusSeconds(9);
        Instant stopAt = start.plusSeconds(16);
        List<Answer> answers = new CopyOnWriteArrayList<>();

        Thread chaos = new Thread(() -> {
            try {
                Thread.sleep(Duration.between(Instant.now(), cutAt).toMillis());
                database.cut();
                Thread.sleep(Duration.between(Instant.now(), restoreAt).toMillis());
                database.restore();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        chaos.start();
        Concurrently.run(6, 6, worker -> {
            while (Instant.now().isBefore(stopAt)) {
                answers.add(register());
            }
            return null;
        });
        chaos.join();

        assertThat(answers).extracting(Answer::status).containsOnly(201, 503);
        assertThat(answers).filteredOn(a -> a.status() == 503).isNotEmpty()
                .allSatisfy(a -> {
                    assertThat(a.retryAfter()).as("Retry-After").isNotBlank();
                    assertThat(a.contentType()).startsWith("application/problem+json");
                });
        assertThat(answers).allSatisfy(a -> assertThat(a.took()).isLessThan(BOUND));
        List<Answer> accepted = answers.stream().filter(a -> a.status() == 201).toList();
        assertThat(accepted).as("registrations before the cut and after the restore").hasSizeGreaterThan(10);

        // Recovered by itself: new registrations succeed and every 201 is stored.
        Api.register(UUID.randomUUID().toString(), Applicants.valid()).then().statusCode(201);
        given().get("/q/health/ready").then().statusCode(200);
        for (Answer a : accepted) {
            assertThat(db.count("SELECT count(*) FROM registration WHERE id = $1", UUID.fromString(a.id())))
                    .as("registration answered 201").isEqualTo(1);
            // The outbox came with it: both verification jobs and the first email code, or nothing.
            assertThat(db.count("SELECT count(DISTINCT kind) FROM verification_job WHERE registration_id = $1",
                    UUID.fromString(a.id()))).as("verification jobs of a 201").isEqualTo(2);
            assertThat(db.count("SELECT count(*) FROM email_code WHERE registration_id = $1", UUID.fromString(a.id())))
                    .as("email code of a 201").isEqualTo(1);
        }
        // One pass over the jobs (grouped), not one scan of them per registration: the suite's
        // database holds every registration its tests made.
        assertThat(db.count("""
                WITH jobs AS (SELECT registration_id, count(*) AS n FROM verification_job GROUP BY registration_id)
                SELECT count(*) FROM registration r LEFT JOIN jobs ON jobs.registration_id = r.id
                WHERE r.erased_at IS NULL -- erasure (withdrawal, retention) deletes the email code on purpose
                  AND (coalesce(jobs.n, 0) < 2
                       OR NOT EXISTS (SELECT 1 FROM email_code c WHERE c.registration_id = r.id))"""))
                .as("registrations anywhere without their jobs").isZero();
    }

    @Test
    void readinessFailsWhileTheDatabaseIsUnreachable() throws Exception {
        TcpProxy database = LocalBackendsResource.databaseProxy();
        database.cut();
        try {
            given().get("/q/health/ready").then().statusCode(503);
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            database.restore();
        }
        Instant deadline = Instant.now().plusSeconds(15);
        while (given().get("/q/health/ready").statusCode() != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        given().get("/q/health/ready").then().statusCode(200);
    }

    private static Answer register() {
        Map<String, Object> body = Applicants.valid();
        Instant t0 = Instant.now();
        Response r = Api.register(UUID.randomUUID().toString(), body);
        Duration took = Duration.between(t0, Instant.now());
        return new Answer(r.statusCode(), r.header("Retry-After"), r.contentType(),
                r.statusCode() == 201 ? r.path("id") : null, took);
    }
}
