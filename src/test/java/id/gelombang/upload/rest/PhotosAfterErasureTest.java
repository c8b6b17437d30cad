package id.gelombang.upload.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.storage.UploadConfig;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Photos;
import id.gelombang.testing.S3Upload;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Photos and erasure: a registration whose personal data retention erased takes no new photo (nor
 * any other personal data); a confirm whose commit fails leaves no object that erasure misses.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class PhotosAfterErasureTest {

    @Inject
    Database db;

    @Inject
    S3Client s3;

    @Inject
    UploadConfig uploads;

    @Test
    void aRegistrationErasedByRetentionTakesNoNewPhotoAddressOrCode() {
        String wave = db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), 100);
        db.execute("UPDATE wave SET retention_scope = 'ALL' WHERE code = $1", wave);
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", wave));
        S3Upload.upload(r, "image/jpeg", Photos.jpeg(3_000));
        Api.confirm(r).then().statusCode(200);
        db.execute("""
                UPDATE wave SET opens_at = now() - make_interval(days => 105), closes_at = now() - make_interval(days => 100)
                WHERE code = $1""", wave);
        given().post("/internal/retention/run?batchSize=500").then().statusCode(200);
        assertThat(db.registration(r.id()).getValue("erased_at")).isNotNull();
        // What GET answers: the registration, without the erased fields.
        Api.get(r).then().statusCode(200).body("nikMasked", nullValue()).body("email.address", nullValue());

        byte[] photo = Photos.jpeg(4_000);
        Api.uploadUrl(r, "image/jpeg", photo.length, Photos.sha256(photo)).then().statusCode(410)
                .contentType("application/problem+json").body("type", endsWith("/withdrawn"))
                .body("detail", equalTo("This registration's personal data has been erased."));
        Api.confirm(r).then().statusCode(410).body("type", endsWith("/withdrawn"));
        given().header("Authorization", "Bearer " + r.token()).post("/v1/registrations/" + r.id() + "/email/resend")
                .then().statusCode(410).body("type", endsWith("/withdrawn"));
        given().header("Authorization", "Bearer " + r.token()).contentType("application/json")
                .body("{\"address\": \"new@example.com\"}").put("/v1/registrations/" + r.id() + "/email")
                .then().statusCode(410).body("type", endsWith("/withdrawn"));

        var row = db.registration(r.id());
        assertThat(row.getValue("ktp_pending_key")).as("no upload URL recorded").isNull();
        assertThat(row.getValue("ktp_object_key")).isNull();
        assertThat(row.getValue("ktp_checksum")).isNull();
        assertThat(db.count("SELECT count(*) FROM email_code WHERE registration_id = $1", java.util.UUID.fromString(r.id())))
                .isZero();
    }

    @Test
    void aConfirmWhoseCommitFailsLeavesNoObjectThatErasureMisses() {
        Registered r = Api.registerNew();
        Set<String> before = objects();
        S3Upload.upload(r, "image/jpeg", Photos.jpeg(5_000));
        // The database refuses this registration's commit once the photo is recorded: the confirm's
        // S3 work is done, its transaction rolls back at COMMIT.
        db.execute("""
                CREATE FUNCTION confirm_test_failure() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.id = '%s' AND NEW.ktp_status = 'RECEIVED' THEN
                        RAISE EXCEPTION 'injected failure at commit';
                    END IF;
                    RETURN NEW;
                END $$""".formatted(r.id()));
        try {
            db.execute("""
                    CREATE CONSTRAINT TRIGGER confirm_test_failure AFTER UPDATE ON registration
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION confirm_test_failure()""");
            Api.confirm(r).then().statusCode(greaterThanOrEqualTo(500)).contentType("application/problem+json");
        } finally {
            db.execute("DROP TRIGGER IF EXISTS confirm_test_failure ON registration");
            db.execute("DROP FUNCTION IF EXISTS confirm_test_failure()");
        }
        Api.get(r).then().body("ktp.status", equalTo("PENDING_UPLOAD"));

        given().header("Authorization", "Bearer " + r.token()).delete("/v1/registrations/" + r.id()).then().statusCode(204);

        assertThat(objects()).as("objects left in the bucket after the erasure").isSubsetOf(before);
    }

    private Set<String> objects() {
        return s3.listObjectsV2Paginator(b -> b.bucket(uploads.bucket().orElseThrow())).contents().stream()
                .map(S3Object::key).collect(Collectors.toSet());
    }
}
