package id.gelombang;

import static id.gelombang.testing.Api.confirm;
import static id.gelombang.testing.Api.register;
import static id.gelombang.testing.Api.registerNew;
import static id.gelombang.testing.Api.uploadUrl;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.PackagedFunction;
import id.gelombang.testing.Photos;
import id.gelombang.testing.S3Upload;
import id.gelombang.testing.TestWaves;
import io.restassured.response.Response;

/**
 * The packaged artifact (target/function.zip, prod profile) running under AWS's Java runtime
 * interface client, as the managed java21 runtime runs it, driven through API Gateway v2 events.
 * It runs with the prod profile as packaged except for the settings
 * {@link #overridesOnlyWhereTheBackendsAreAndTheTestSettings} lists: where PostgreSQL and S3 are
 * (instead of the template's environment), keys, migrations at start, the test wave, a long
 * pool wait queue and the access log. So the prod profile's own choices (one pooled connection,
 * the removed libraries, no /internal routes, SES as the mail transport) are what is tested here.
 */
class PackagedFunctionIT {

    @BeforeAll
    static void startFunction() {
        PackagedFunction.start();
    }

    @Test
    void aRegistrantGoesFromRegistrationToAcceptedKtpPhoto() {
        Map<String, Object> body = Applicants.valid();
        String key = UUID.randomUUID().toString();
        Response created = register(key, body);
        created.then().statusCode(201).header("Cache-Control", "no-store").body("waveCode", equalTo(TestWaves.OPEN));
        assertThat(created.header("Location")).isEqualTo("/v1/registrations/" + created.path("id"));
        Response replay = register(key, body);
        replay.then().statusCode(201).header("Idempotent-Replayed", "true");
        assertThat(replay.asString()).isEqualTo(created.asString());

        Registered r = new Registered(created.path("id"), created.path("registrationToken"));
        Api.get(r).then().statusCode(200).body("ktp.status", equalTo("MISSING"))
                .body("nikMasked", equalTo(((String) body.get("nik")).substring(0, 4) + "************"
                        + ((String) body.get("nik")).substring(12)));

        byte[] photo = Photos.jpeg(300_000);
        Response url = uploadUrl(r, "image/jpeg", photo.length, Photos.sha256(photo));
        url.then().statusCode(201);
        assertThat(S3Upload.put(url.path("uploadUrl"), url.path("headers"), photo)).isEqualTo(200);
        confirm(r).then().statusCode(200).body("ktp.status", equalTo("RECEIVED"));
        Api.get(r).then().body("ktp.status", equalTo("RECEIVED"));
    }

    @Test
    void rejectsWhatTheRulesRejectWithProblems() {
        Map<String, Object> body = Applicants.valid();
        registerNew(body);
        register(UUID.randomUUID().toString(), body).then().statusCode(409)
                .contentType("application/problem+json").body("type", endsWith("/duplicate-registration"));
        register(UUID.randomUUID().toString(), Applicants.with(Applicants.with(body, "phone", "123"), "sex", "X"))
                .then().statusCode(400).body("errors.field", containsInAnyOrder("phone", "sex"));
        given().get("/v1/registrations/" + UUID.randomUUID()).then().statusCode(401);

        Registered r = registerNew();
        byte[] png = Photos.png(8_000);
        Response url = uploadUrl(r, "image/jpeg", png.length, Photos.sha256(png));
        S3Upload.put(url.path("uploadUrl"), url.path("headers"), png);
        confirm(r).then().statusCode(422).body("reason", equalTo("KTP_NOT_DECLARED_IMAGE_TYPE"));
    }

    @Test
    void overridesOnlyWhereTheBackendsAreAndTheTestSettings() {
        Set<String> expected = new TreeSet<>(Set.of(
                // PostgreSQL (the template sets QUARKUS_DATASOURCE_* in AWS)
                "quarkus.datasource.reactive.url", "quarkus.datasource.username", "quarkus.datasource.password",
                // S3 (in AWS: the regional endpoint, the function's role, GELOMBANG_UPLOAD_BUCKET)
                "quarkus.s3.endpoint-override", "quarkus.s3.path-style-access", "quarkus.s3.aws.region",
                "quarkus.s3.aws.credentials.type", "quarkus.s3.aws.credentials.static-provider.access-key-id",
                "quarkus.s3.aws.credentials.static-provider.secret-access-key", "gelombang.upload.bucket",
                // keys (Secrets Manager in AWS), migrations (the migration function in AWS), the test wave
                "gelombang.crypto.data-key", "gelombang.crypto.lookup-key", "gelombang.schema.migrate-at-start",
                // the application role's password (the migration function's secret in AWS)
                "gelombang.schema.app-user-password",
                "gelombang.waves.seed-at-start", "gelombang.waves.seed.\"" + TestWaves.OPEN + "\".opens-at",
                "gelombang.waves.seed.\"" + TestWaves.OPEN + "\".closes-at", "gelombang.waves.seed.\"" + TestWaves.OPEN + "\".quota",
                // the suite's concurrency tests and LogHygieneIT's reading of request lines
                "gelombang.database.max-wait-queue", "quarkus.http.access-log.enabled"));
        if (!System.getProperty(LocalBackendsResource.S3_ENDPOINT_PROPERTY, "").isBlank()) {
            // Against LocalStack, its SES as well.
            expected.addAll(Set.of("gelombang.verification.email.ses-region", "gelombang.verification.email.ses-endpoint",
                    "gelombang.verification.email.ses-access-key-id", "gelombang.verification.email.ses-secret-access-key",
                    "gelombang.verification.email.transport", "gelombang.verification.email.from",
                    // the template's EmailConfigurationSet
                    "gelombang.verification.email.configuration-set"));
        }
        assertThat(new TreeSet<>(PackagedFunction.overrides(Map.of()).keySet())).isEqualTo(expected);
    }

    @Test
    void servesWavesHealthAndOpenApi() {
        given().get("/v1/waves/current").then().statusCode(200).body("code", equalTo(TestWaves.OPEN));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        String document = given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItem("/v1/registrations"))
                // ProblemResponsesDocumentation runs per request of the document: its answers are there.
                .body("paths.'/v1/registrations'.post.responses.keySet()", hasItems("201", "400", "406", "415", "503"))
                .body("paths.'/v1/registrations/{id}'.get.responses.keySet()", hasItems("200", "401", "404", "410", "503"))
                .extract().asString();
        assertThat(given().accept("application/json").get("/q/openapi").asString()).isEqualTo(document);
    }

    @Test
    void workerRoutesDoNotExistInTheApiFunction() {
        given().post("/internal/workers/NIK_CHECK/drain").then().statusCode(404).contentType("application/problem+json");
        given().post("/internal/retention/run").then().statusCode(404);
    }
}
