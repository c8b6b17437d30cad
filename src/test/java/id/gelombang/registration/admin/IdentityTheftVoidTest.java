package id.gelombang.registration.admin;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.storage.UploadConfig;
import id.gelombang.registration.domain.Nik;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.Funnel;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Mailbox;
import id.gelombang.testing.Mailbox.Mail;
import id.gelombang.testing.Photos;
import id.gelombang.testing.S3Upload;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * A bot registered the owner's NIK with a record from a leak (so the registry's check would pass):
 * the owner gets 409; an identity check outside the system proves the theft; the operator voids
 * the registration by the owner's NIK; the owner registers in the same wave (201). The thief's
 * token and Idempotency-Key answer 410 /voided, its personal data and photo are gone, its address is
 * told (then the sealed record kept for that is erased too), and the audit trail names the
 * registration and the case, never the NIK.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class IdentityTheftVoidTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Database db;

    @Inject
    S3Client s3;

    @Inject
    UploadConfig uploads;

    @Inject
    JobWorker worker;

    @Test
    void theOwnerGetsTheirNikBackAfterAnOperatorVoidsTheThiefsRegistration() {
        Jobs.parkAllOpen(db);
        String wave = db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), 5);
        Map<String, Object> owner = uniquePerson(wave);
        Map<String, Object> thief = Applicants.with(Applicants.with(owner, "email", "bot." + letters(9).toLowerCase() + "@example.net"),
                "phone", "0819" + String.format("%08d", RANDOM.nextInt(100_000_000)));
        String thiefKey = UUID.randomUUID().toString();
        Response stolen = Api.register(thiefKey, thief);
        stolen.then().statusCode(201);
        Registered bot = new Registered(stolen.path("id"), stolen.path("registrationToken"));
        String photoKey = S3Upload.upload(bot, "image/jpeg", Photos.jpeg(3_000));
        long voidedBefore = Funnel.count(wave, "voided");

        // The owner is refused while the thief holds the NIK.
        Api.register(UUID.randomUUID().toString(), owner).then().statusCode(409).body("type", endsWith("/duplicate-registration"));

        // The help desk checked the owner's KTP in person: the operator voids by the owner's NIK.
        String caseReference = "DUKCAPIL-2026-" + RANDOM.nextInt(1_000_000);
        Response voided = voidByNik(wave, (String) owner.get("nik"), caseReference);
        voided.then().statusCode(200).contentType(ContentType.JSON)
                .body("registrationId", equalTo(bot.id())).body("waveCode", equalTo(wave))
                .body("caseReference", equalTo(caseReference));
        String voidedAt = voided.path("voidedAt");

        // The owner registers in the same wave.
        Registered ownersOwn = Api.registerNew(owner);
        Api.get(ownersOwn).then().statusCode(200).body("status", equalTo("REGISTERED"));

        // The thief's token and key answer 410 /voided for every call.
        Api.get(bot).then().statusCode(410).contentType("application/problem+json").body("type", endsWith("/voided"));
        given().header("Authorization", "Bearer " + bot.token()).delete("/v1/registrations/" + bot.id())
                .then().statusCode(410).body("type", endsWith("/voided"));
        Api.uploadUrl(bot, "image/jpeg", 2_000, Photos.sha256(Photos.jpeg(2_000))).then().statusCode(410)
                .body("type", endsWith("/voided"));
        given().header("Authorization", "Bearer " + bot.token()).contentType(ContentType.JSON).body(Map.of("code", "123456"))
                .post("/v1/registrations/" + bot.id() + "/email/verify").then().statusCode(410).body("type", endsWith("/voided"));
        Api.register(thiefKey, thief).then().statusCode(410).contentType("application/problem+json").body("type", endsWith("/voided"));

        // Its personal data and photo are gone; its jobs are cancelled; the funnel counts it once.
        Row row = db.registration(bot.id());
        assertThat(row.getString("status")).isEqualTo("VOIDED");
        assertThat(row.getString("void_case")).isEqualTo(caseReference);
        assertThat(row.getValue("nik_digest")).isNull();
        assertThat(row.getValue("kk_digest")).isNull();
        assertThat(row.getValue("email_use_digest")).isNull();
        assertThat(row.getValue("released_at")).isNotNull();
        assertThat(row.getString("ktp_pending_key")).isNull();
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(uploads.bucket().orElseThrow()).key(photoKey)))
                .isInstanceOf(NoSuchKeyException.class);
        // Its jobs are cancelled; the one open job is the notice to its address, for which the sealed record stays.
        assertThat(db.count("SELECT count(*) FROM verification_job WHERE registration_id = $1 AND state IN ('PENDING', 'RUNNING')"
                + " AND kind <> 'OUTCOME_NOTICE'", UUID.fromString(bot.id()))).isZero();
        assertThat(Jobs.of(db, bot.id(), "OUTCOME_NOTICE").getString("state")).isEqualTo("PENDING");
        assertThat(db.count("SELECT count(*) FROM email_code WHERE registration_id = $1", UUID.fromString(bot.id()))).isZero();
        assertThat(Funnel.count(wave, "voided")).isEqualTo(voidedBefore + 1);

        // The registration's address is told, by masked NIK and wave only; then the sealed record is erased too.
        worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(60), true);
        List<Mail> notices = Mailbox.to((String) thief.get("email"), "Pendaftaran Gelombang");
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).subject()).contains(wave, "dibatalkan");
        assertThat(notices.get(0).body()).contains(Nik.mask((String) owner.get("nik")), wave, "voided")
                .doesNotContain((String) owner.get("nik"), (String) owner.get("fullName"), bot.token(), bot.id());
        Row erased = db.registration(bot.id());
        assertThat(erased.getValue("personal_data")).isNull();
        assertThat(erased.getValue("email_digest")).isNull();
        assertThat(erased.getValue("erased_at")).isNotNull();
        assertThat(Jobs.of(db, bot.id(), "OUTCOME_NOTICE").getString("state")).isEqualTo("DONE");

        // The audit entry says who voided which registration under which case, and nothing personal.
        Map<String, Object> entry = operator().queryParam("waveCode", wave).get("/v1/admin/audit").then().statusCode(200)
                .extract().jsonPath().getMap("[0]");
        assertThat(entry).containsEntry("action", "VOID_REGISTRATION").containsEntry("actor", "operator-key");
        assertThat(entry.get("details")).isEqualTo(Map.of("registrationId", bot.id(), "caseReference", caseReference));
        String audit = operator().get("/v1/admin/audit").then().extract().asString();
        for (String personal : List.of((String) owner.get("nik"), (String) owner.get("kkNumber"), (String) owner.get("fullName"),
                (String) thief.get("email"), (String) owner.get("email"), (String) thief.get("phone"))) {
            assertThat(audit).doesNotContain(personal);
        }

        // Repeating the call (an operator's retry) answers the same void and leaves the owner's registration alone.
        voidByNik(wave, (String) owner.get("nik"), caseReference).then().statusCode(200)
                .body("registrationId", equalTo(bot.id())).body("voidedAt", equalTo(voidedAt));
        Api.get(ownersOwn).then().statusCode(200).body("status", equalTo("REGISTERED"));
        assertThat(db.count("SELECT count(*) FROM operator_audit WHERE action = 'VOID_REGISTRATION' AND wave_code = $1", wave))
                .isEqualTo(1);
    }

    @Test
    void aVoidNeedsTheOperatorKeyAValidNikAndCaseAndANikSomeoneHolds() {
        String wave = db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), 5);
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", wave));
        String nik = Applicants.nik(LocalDate.of(1980, 2, 3), false, 4321);
        given().contentType(ContentType.JSON).body(Map.of("nik", nik, "caseReference", "HD-1"))
                .post("/v1/admin/waves/" + wave + "/voids").then().statusCode(401).contentType("application/problem+json");
        operator().body(Map.of("nik", "12345", "caseReference", "Siti Rahayu")).post("/v1/admin/waves/" + wave + "/voids")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("nik", "caseReference"));
        operator().body(Map.of("nik", nik, "caseReference", "HD-2", "reason", "x")).post("/v1/admin/waves/" + wave + "/voids")
                .then().statusCode(400).body("errors.field", containsInAnyOrder("reason"));
        voidByNik(wave, nik, "HD-3").then().statusCode(404).contentType("application/problem+json").body("type", endsWith("/not-found"));
        voidByNik("NO-SUCH-WAVE", nik, "HD-4").then().statusCode(404);
        Api.get(r).then().statusCode(200).body("status", equalTo("REGISTERED"));
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND status = 'VOIDED'", wave)).isZero();
    }

    @Test
    void aVoidThatCannotLockTheRegistrationInTimeIsAnswered503AndChangesNothing() {
        String wave = db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), 5);
        Map<String, Object> thief = uniquePerson(wave);
        Registered r = Api.registerNew(thief);
        SqlConnection holder = db.pool().getConnection().await().atMost(WAIT);
        Transaction held = holder.begin().await().atMost(WAIT);
        try {
            // A withdrawal or a worker holds the registration longer than the lock timeout.
            holder.preparedQuery("SELECT 1 FROM registration WHERE id = $1 FOR UPDATE").execute(Tuple.of(UUID.fromString(r.id())))
                    .await().atMost(WAIT);
            voidByNik(wave, (String) thief.get("nik"), "HD-" + RANDOM.nextInt(1_000_000)).then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", "5").body("type", endsWith("/unavailable"));
        } finally {
            held.rollback().chain(holder::close).await().atMost(WAIT);
        }
        Api.get(r).then().statusCode(200).body("status", equalTo("REGISTERED"));
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND status = 'VOIDED'", wave)).isZero();
    }

    private static Response voidByNik(String wave, String nik, String caseReference) {
        return operator().body(Map.of("nik", nik, "caseReference", caseReference)).post("/v1/admin/waves/" + wave + "/voids");
    }

    /** A person whose every value occurs nowhere else in the test database. */
    private static Map<String, Object> uniquePerson(String wave) {
        Map<String, Object> body = Applicants.valid(LocalDate.of(1983, 9, 14), true);
        body.put("fullName", "Dewi " + letters(12));
        body.put("email", "owner." + letters(10).toLowerCase() + "@example.com");
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
}
