package id.gelombang.common;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.storage.UploadConfig;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.Funnel;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Photos;
import id.gelombang.testing.S3Upload;
import id.gelombang.testing.SqsEvents;
import id.gelombang.testing.TcpProxy;
import id.gelombang.testing.TestWaves;
import id.gelombang.upload.service.UploadEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import software.amazon.awssdk.services.s3.S3Client;

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

    @Inject
    UploadConfig uploads;

    @Inject
    S3Client s3;

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

        // Its failure fails the test: an outage that never happened must not pass for one survived.
        CompletableFuture<Void> chaos = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), cutAt).toMillis()));
                database.cut();
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), restoreAt).toMillis()));
                database.restore();
            } catch (InterruptedException | IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Concurrently.run(6, 6, worker -> {
            while (Instant.now().isBefore(stopAt)) {
                answers.add(register());
            }
            return null;
        });
        chaos.get();

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

    /**
     * An upload event handled while PostgreSQL is cut fails its message (a batch item failure, never a
     * success that drops it); SQS hands it out again, as the template's queue does (maxReceiveCount
     * 10), and once the database is back the photo is RECEIVED: the event was retried, not lost.
     */
    @Test
    void anUploadEventDuringAnOutageIsRetriedUntilThePhotoIsReceived() throws Exception {
        TcpProxy database = LocalBackendsResource.databaseProxy();
        Registered r = Api.registerNew();
        byte[] photo = Photos.jpeg(60_000);
        String key = S3Upload.upload(r, "image/jpeg", photo);
        long receivedBefore = Funnel.count(TestWaves.OPEN, "ktpReceived");
        SqsEvents.Message event = new SqsEvents.Message(SqsEvents.objectCreated(uploads.bucket().orElseThrow(), key, photo.length));

        database.cut();
        List<String> failedDuringOutage;
        try {
            failedDuringOutage = SqsEvents.invoke(UploadEvents.class, List.of(event));
        } finally {
            database.restore();
        }
        assertThat(failedDuringOutage).as("reported as a batch item failure").containsExactly(event.messageId());
        assertThat(db.registration(r.id()).getString("ktp_status")).isEqualTo("PENDING_UPLOAD");

        // The redeliveries, as SQS makes them after the visibility timeout (shortened here).
        SqsEvents.Fate fate = SqsEvents.deliverUntilSettled(UploadEvents.class, List.of(event.again()), 10, Duration.ofSeconds(1))
                .get(event.messageId());
        assertThat(fate.deadLettered()).as("moved to the dead-letter queue").isFalse();
        Api.get(r).then().statusCode(200).body("ktp.status", org.hamcrest.Matchers.equalTo("RECEIVED"));
        assertThat(Funnel.count(TestWaves.OPEN, "ktpReceived")).isEqualTo(receivedBefore + 1);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(uploads.bucket().orElseThrow())
                .key(db.registration(r.id()).getString("ktp_object_key"))).asByteArray()).isEqualTo(photo);
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
