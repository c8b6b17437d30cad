package id.gelombang.registration.rest;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.storage.UploadConfig;
import id.gelombang.registration.domain.NikRejection;
import id.gelombang.registration.domain.NikStatus;
import id.gelombang.registration.service.WithdrawalService;
import id.gelombang.testing.Access;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.Funnel;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Mailbox;
import id.gelombang.testing.Photos;
import id.gelombang.testing.S3Upload;
import id.gelombang.testing.SqsEvents;
import id.gelombang.testing.TestWaves;
import id.gelombang.testing.Traces;
import id.gelombang.upload.service.KtpUploadService;
import id.gelombang.upload.service.UploadEvents;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.persistence.JobQueue.ClaimedJob;
import id.gelombang.verification.service.JobResult;
import id.gelombang.verification.service.JobWorker;
import id.gelombang.verification.service.NikCheckHandler.Verdict;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * DELETE /v1/registrations/{id}: the registrant withdraws, the place comes back at once, and every
 * copy of their personal data is gone: a scan of every table's raw contents and of every object
 * in the bucket finds none of it.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
@WithTestResource(DukcapilStub.class)
class WithdrawalTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Database db;

    @Inject
    S3Client s3;

    @Inject
    UploadConfig uploads;

    @Inject
    JobWorker worker;

    @Inject
    PersonalDataProtection protection;

    @Inject
    WithdrawalService withdrawals;

    @Inject
    KtpUploadService ktpUploads;

    @BeforeEach
    void onlyThisTestsJobsAreDue() {
        Jobs.parkAllOpen(db);
    }

    @Test
    void withdrawalGivesThePlaceBackAndLeavesNoTraceOfThePersonAnywhere() {
        String wave = db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), 1);
        Map<String, Object> person = uniquePerson(wave);
        String key = UUID.randomUUID().toString();
        Response created = Api.register(key, person);
        created.then().statusCode(201);
        Registered r = new Registered(created.path("id"), created.path("registrationToken"));
        assertThat(remaining(wave)).isZero();

        // An accepted photo (ktp/...) and a newer upload nobody confirmed yet (pending/...).
        byte[] accepted = photo();
        String acceptedPending = S3Upload.upload(r, "image/jpeg", accepted);
        Api.confirm(r).then().statusCode(200);
        String acceptedKey = db.registration(r.id()).getString("ktp_object_key");
        byte[] pending = photo();
        String pendingKey = S3Upload.upload(r, "image/jpeg", pending);
        // They came back once with an access code, and asked for another that is still waiting to be mailed.
        String firstToken = r.token();
        Access.requestCode(person).then().statusCode(202);
        worker.drain(JobKind.ACCESS_CODE, Duration.ofSeconds(30), true);
        Response back = Access.open(person, Mailbox.latestAccessCode((String) person.get("email")));
        back.then().statusCode(200);
        r = new Registered(r.id(), back.path("registrationToken"));
        db.execute("UPDATE access_code SET requested_at = requested_at - interval '61 seconds' WHERE registration_id = $1",
                UUID.fromString(r.id()));
        Access.requestCode(person).then().statusCode(202);
        assertThat(Jobs.of(db, r.id(), "ACCESS_CODE").getString("state")).isEqualTo("PENDING");
        // A worker is in the middle of the NIK check when the registrant withdraws.
        ClaimedJob running = worker.claim(JobKind.NIK_CHECK);
        assertThat(running.registrationId()).isEqualTo(UUID.fromString(r.id()));
        long withdrawnBefore = Funnel.count(wave, "withdrawn");

        withdraw(r).then().statusCode(204);

        // Nothing of the person is left: not in any table, not in the bucket. Every keyed digest of
        // their values too (the access code's row held the NIK's, the family card's count the KK's).
        List<String> values = new java.util.ArrayList<>(Traces.personalValuesOf(protection, person));
        values.addAll(List.of((String) person.get("birthDate"), r.token(), firstToken));
        assertThat(Traces.inDatabase(db, values)).isEmpty();
        assertThat(Traces.inBucket(s3, uploads.bucket().orElseThrow(), Set.of(Traces.sha256Hex(accepted), Traces.sha256Hex(pending)))).isEmpty();
        assertThat(Traces.keysInBucket(s3, uploads.bucket().orElseThrow())).as("objects of the registration")
                .doesNotContain(acceptedPending, acceptedKey, pendingKey).noneMatch(k -> k.contains(created.<String>path("id")));
        for (String objectKey : List.of(acceptedPending, acceptedKey, pendingKey)) {
            assertThatThrownBy(() -> s3.headObject(b -> b.bucket(uploads.bucket().orElseThrow()).key(objectKey))).isInstanceOf(NoSuchKeyException.class);
        }
        // ... and the rows that held it encrypted are empty or gone.
        Row row = db.registration(r.id());
        assertThat(row.getString("status")).isEqualTo("WITHDRAWN");
        assertThat(row.getValue("personal_data")).isNull();
        assertThat(row.getValue("nik_digest")).isNull();
        assertThat(row.getValue("kk_digest")).isNull();
        assertThat(row.getString("ktp_object_key")).isNull();
        assertThat(row.getString("ktp_pending_key")).isNull();
        assertThat(row.getValue("withdrawn_at")).isNotNull();
        assertThat(row.getValue("erased_at")).isNotNull();
        assertThat(row.getValue("released_at")).isNotNull();
        assertThat(db.count("SELECT count(*) FROM email_code WHERE registration_id = $1", UUID.fromString(r.id()))).isZero();
        assertThat(db.count("SELECT count(*) FROM access_code WHERE registration_id = $1", UUID.fromString(r.id()))).isZero();
        assertThat(db.count("SELECT count(*) FROM verification_job WHERE registration_id = $1 AND state IN ('PENDING', 'RUNNING')",
                UUID.fromString(r.id()))).isZero();
        assertThat(Jobs.of(db, r.id(), "ACCESS_CODE").getString("state")).isEqualTo("CANCELLED");
        Row reply = db.pool().preparedQuery("SELECT * FROM idempotency_key WHERE registration_id = $1")
                .execute(Tuple.of(UUID.fromString(r.id()))).await().atMost(Duration.ofSeconds(10)).iterator().next();
        assertThat(reply.getInteger("response_status")).isEqualTo(410);
        assertThat(reply.getValue("request_digest")).isNull();
        String storedBody = new String(protection.decrypt(reply.getBuffer("response_body").getBytes(),
                "idempotency:" + reply.getString("key_digest")), StandardCharsets.UTF_8);
        assertThat(storedBody).doesNotContain(r.token()).contains("/withdrawn");
        assertThat(Funnel.count(wave, "withdrawn")).isEqualTo(withdrawnBefore + 1);

        // The worker that held the NIK check cannot record anything any more.
        worker.settle(running, new JobResult.Completed<>(new Verdict(NikStatus.VERIFIED, null)));
        assertThat(Jobs.of(db, r.id(), "NIK_CHECK").getString("state")).isEqualTo("CANCELLED");
        assertThat(db.registration(r.id()).getString("nik_verification")).isEqualTo("PENDING");

        // Every call with the token answers 410; withdrawing again answers 204; the old key replays 410.
        Api.get(r).then().statusCode(410).contentType("application/problem+json").body("type", endsWith("/withdrawn"));
        Api.uploadUrl(r, "image/jpeg", 2_000, Photos.sha256(Photos.jpeg(2_000))).then().statusCode(410)
                .body("type", endsWith("/withdrawn"));
        Api.confirm(r).then().statusCode(410).body("type", endsWith("/withdrawn"));
        given().header("Authorization", "Bearer " + r.token()).contentType(ContentType.JSON).body(Map.of("code", "123456"))
                .post("/v1/registrations/" + r.id() + "/email/verify").then().statusCode(410).body("type", endsWith("/withdrawn"));
        given().header("Authorization", "Bearer " + r.token()).post("/v1/registrations/" + r.id() + "/email/resend")
                .then().statusCode(410).body("type", endsWith("/withdrawn"));
        withdraw(r).then().statusCode(204);
        Api.register(key, person).then().statusCode(410).contentType("application/problem+json")
                .body("type", endsWith("/withdrawn"));
        assertThat(Funnel.count(wave, "withdrawn")).isEqualTo(withdrawnBefore + 1);

        // The wave's only place is free again, and the same person can register anew.
        assertThat(remaining(wave)).isEqualTo(1);
        Registered again = Api.registerNew(person);
        Api.get(again).then().statusCode(200).body("status", equalTo("REGISTERED"));
        assertThat(remaining(wave)).isZero();
    }

    @Test
    void aWithdrawalCancelsAPendingOutcomeNoticeAndForgetsTheAccessCode() {
        Map<String, Object> person = uniquePerson(TestWaves.OPEN);
        Registered r = Api.registerNew(person);
        Access.requestCode(person).then().statusCode(202);
        // The registry rejected the NIK: the notice is queued with the verdict, not mailed yet.
        ClaimedJob check = worker.claim(JobKind.NIK_CHECK);
        assertThat(check.registrationId()).isEqualTo(UUID.fromString(r.id()));
        worker.settle(check, new JobResult.Completed<>(new Verdict(NikStatus.REJECTED, NikRejection.NIK_DATA_MISMATCH)));
        assertThat(Jobs.of(db, r.id(), "OUTCOME_NOTICE").getString("state")).isEqualTo("PENDING");
        String nikDigest = HexFormat.of().formatHex(protection.lookupDigest("nik", (String) person.get("nik")));
        assertThat(Traces.inDatabase(db, List.of(nikDigest))).as("the scan sees the access code's row")
                .contains("access_code: " + nikDigest);

        withdraw(r).then().statusCode(204);

        assertThat(Jobs.of(db, r.id(), "OUTCOME_NOTICE").getString("state")).isEqualTo("CANCELLED");
        assertThat(Jobs.of(db, r.id(), "ACCESS_CODE").getString("state")).isEqualTo("CANCELLED");
        assertThat(Traces.inDatabase(db, List.of(nikDigest, (String) person.get("email"), (String) person.get("nik")))).isEmpty();
        worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(30), true);
        assertThat(Mailbox.to((String) person.get("email"))).as("nothing is mailed after the withdrawal").isEmpty();
    }

    @Test
    void withdrawalNeedsTheRegistrationsOwnToken() {
        Registered target = Api.registerNew();
        Registered other = Api.registerNew();
        given().delete("/v1/registrations/" + target.id()).then().statusCode(401)
                .contentType("application/problem+json").body("type", endsWith("/unauthorized"));
        given().header("Authorization", "Bearer not-a-token").delete("/v1/registrations/" + target.id())
                .then().statusCode(401).body("type", endsWith("/unauthorized"));
        withdraw(new Registered(target.id(), other.token())).then().statusCode(404)
                .contentType("application/problem+json").body("type", endsWith("/not-found"));
        Api.get(target).then().statusCode(200).body("status", equalTo("REGISTERED"));
        assertThat(db.registration(target.id()).getValue("personal_data")).isNotNull();
    }

    @Test
    void aPhotoUploadedThroughAnOldUrlAfterWithdrawalIsDeletedWhenItArrives() {
        Registered r = Api.registerNew();
        byte[] file = photo();
        Response issued = Api.uploadUrl(r, "image/jpeg", file.length, Photos.sha256(file));
        issued.then().statusCode(201);
        withdraw(r).then().statusCode(204);

        // The presigned URL is still valid at S3 until it expires.
        assertThat(S3Upload.put(issued.path("uploadUrl"), issued.path("headers"), file)).isEqualTo(200);
        String key = S3Upload.objectKey(issued.path("uploadUrl"));
        assertThat(SqsEvents.invoke(UploadEvents.class, List.of(new SqsEvents.Message(
                SqsEvents.objectCreated(uploads.bucket().orElseThrow(), key, file.length))))).as("batch item failures").isEmpty();
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(uploads.bucket().orElseThrow()).key(key))).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void aWithdrawalRacingUploadUrlRequestsEndsErasedEveryTime() throws Exception {
        int registrants = 12;
        List<Registered> rs = new java.util.ArrayList<>();
        for (int n = 0; n < registrants; n++) {
            rs.add(Api.registerNew());
        }
        String checksum = Photos.sha256(Photos.jpeg(2_000));
        // Straight to the services on separate threads and connections, as concurrent Lambda instances would.
        var outcome = Concurrently.run(registrants * 2, registrants * 2, n -> {
            Registered r = rs.get(n / 2);
            String authorization = "Bearer " + r.token();
            try {
                if (n % 2 == 0) {
                    VertxContextSupport.subscribeAndAwait(() -> withdrawals.withdraw(r.id(), authorization));
                    return "withdrawn";
                }
                VertxContextSupport.subscribeAndAwait(
                        () -> ktpUploads.issueUploadUrl(r.id(), authorization, "image/jpeg", 2_000L, checksum));
                return "url";
            } catch (ProblemException e) {
                return "url:" + e.problem().status();
            } catch (Throwable e) {
                return "failed:" + e.getClass().getSimpleName();
            }
        });
        assertThat(outcome.maxInFlight()).isGreaterThan(registrants / 2);
        assertThat(outcome.results()).filteredOn(o -> o.startsWith("failed")).isEmpty();
        for (Registered r : rs) {
            Row row = db.registration(r.id());
            assertThat(row.getString("status")).isEqualTo("WITHDRAWN");
            assertThat(row.getValue("personal_data")).as("personal data written back").isNull();
            assertThat(row.getString("ktp_pending_key")).isNull();
        }
    }

    @Test
    void theOpenApiDocumentDescribesWithdrawalAndRetentionSettings() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/v1/registrations/{id}'.delete.responses.keySet()", hasItems("204", "401", "404"))
                .body("paths.'/v1/registrations/{id}'.get.responses.keySet()", hasItems("200", "410"))
                .body("components.schemas.WaveDefinition.properties.keySet()", hasItems("retentionDays", "retentionScope"))
                .body("components.schemas.WaveChange.properties.keySet()", hasItems("retentionDays", "retentionScope"))
                .body("components.schemas.OperatorWaveView.properties.keySet()", hasItems("retentionDays", "retentionScope"));
    }

    private static Response withdraw(Registered r) {
        return given().header("Authorization", "Bearer " + r.token()).delete("/v1/registrations/" + r.id());
    }

    private static int remaining(String wave) {
        return operator().get("/v1/admin/waves/" + wave).then().statusCode(200).extract().path("remaining");
    }

    /** A registrant whose every value occurs nowhere else in the test database. */
    private static Map<String, Object> uniquePerson(String wave) {
        Map<String, Object> body = Applicants.valid(LocalDate.of(1979, 6, 23), false);
        body.put("fullName", "Wira " + letters(12));
        body.put("email", "erase." + letters(10).toLowerCase() + "@example.com");
        body.put("phone", "0813" + String.format("%08d", RANDOM.nextInt(100_000_000)));
        body.put("waveCode", wave);
        return body;
    }

    private static String letters(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ((i == 0 ? 'A' : 'a') + RANDOM.nextInt(26)));
        }
        return s.toString();
    }

    /** A JPEG-shaped file with random bytes: no other test uploads the same. */
    private static byte[] photo() {
        byte[] file = Photos.jpeg(20_000 + RANDOM.nextInt(10_000));
        byte[] noise = new byte[file.length - 16];
        RANDOM.nextBytes(noise);
        System.arraycopy(noise, 0, file, 16, noise.length);
        return file;
    }
}
