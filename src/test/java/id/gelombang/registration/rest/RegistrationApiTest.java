package id.gelombang.registration.rest;

import static id.gelombang.testing.Api.register;
import static id.gelombang.testing.Api.registerNew;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.crypto.Digests;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.GatewayEvents;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.TestWaves;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class RegistrationApiTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Inject
    Database db;

    @Test
    void registersAndShowsTheTokenOnlyOnce() {
        Map<String, Object> body = Applicants.valid();
        Response created = register(UUID.randomUUID().toString(), body);
        created.then()
                .statusCode(201)
                .header("Cache-Control", "no-store")
                .contentType(ContentType.JSON)
                .body("status", equalTo("REGISTERED"))
                .body("waveCode", equalTo(TestWaves.OPEN))
                .body("registrationToken", matchesPattern("[A-Za-z0-9_-]{43}"))
                .body("createdAt", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        String id = created.path("id");
        assertThat(created.header("Location")).isEqualTo("/v1/registrations/" + id);

        Registered r = new Registered(id, created.path("registrationToken"));
        String nik = (String) body.get("nik");
        Api.get(r).then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .body("id", equalTo(id))
                .body("nikMasked", equalTo(nik.substring(0, 4) + "************" + nik.substring(12)))
                .body("email.address", matchesPattern("s\\*\\*\\*@example\\.com"))
                .body("email.verified", equalTo(false))
                .body("ktp.status", equalTo("MISSING"))
                .body("ktp.reason", nullValue())
                .body("nikVerification.status", equalTo("PENDING"))
                .body("registrationToken", nullValue())
                .body("createdAt", equalTo(created.path("createdAt")));
    }

    @Test
    void storesPersonalDataEncryptedAndTheTokenOnlyAsAHash() {
        Map<String, Object> body = Applicants.valid();
        Registered r = registerNew(body);
        Row row = db.registration(r.id());
        String stored = new String(row.getBuffer("personal_data").getBytes(), StandardCharsets.ISO_8859_1);
        assertThat(stored).doesNotContain((String) body.get("nik"), (String) body.get("email"), "Siti", "81234");
        assertThat(row.getBuffer("nik_digest").getBytes()).isNotEqualTo(Digests.sha256((String) body.get("nik")));
        assertThat(row.getBuffer("token_digest").getBytes()).isEqualTo(Digests.sha256(r.token()));
        assertThat(db.count("SELECT count(*) FROM idempotency_key WHERE position(convert_to($1, 'UTF8') in response_body) > 0",
                r.token())).isZero();
    }

    @Test
    void listsEveryInvalidFieldAndStoresNothing() {
        long before = db.registrations();
        register(UUID.randomUUID().toString(), Map.of(
                "nik", "1234", "kkNumber", "x", "fullName", "R2-D2", "birthDate", "1990-02-30",
                "sex", "W", "email", "siti@", "phone", "021555", "waveCode", "NO-SUCH-WAVE"))
                .then()
                .statusCode(400)
                .contentType(PROBLEM_JSON)
                .header("Cache-Control", "no-store")
                .body("type", endsWith("/validation"))
                .body("title", notNullValue())
                .body("status", equalTo(400))
                .body("detail", notNullValue())
                .body("errors.field", containsInAnyOrder(
                        "nik", "kkNumber", "fullName", "birthDate", "sex", "email", "phone", "waveCode"));
        assertThat(db.registrations()).isEqualTo(before);
    }

    @Test
    void refusesANikThatDisagreesWithBirthDateAndSex() {
        Map<String, Object> body = Applicants.valid(LocalDate.of(1991, 3, 7), true);
        register(UUID.randomUUID().toString(), Applicants.with(
                Applicants.with(body, "birthDate", "1991-03-08"), "sex", "M"))
                .then().statusCode(400)
                .body("errors.field", containsInAnyOrder("nik", "nik"))
                .body("errors.message", hasItem("does not match birthDate"));
    }

    @Test
    void refusesRegistrantsUnder18OnTheDayTheWaveOpens() {
        // TEST-OPEN opened on 2020-01-01 (Jakarta): born 2002-01-02 is one day short of 18.
        register(UUID.randomUUID().toString(), Applicants.valid(LocalDate.of(2002, 1, 2), false))
                .then().statusCode(400)
                .body("errors.field", containsInAnyOrder("birthDate"));
        register(UUID.randomUUID().toString(), Applicants.valid(LocalDate.of(2001, 12, 31), false))
                .then().statusCode(201);
    }

    @Test
    void requiresAnIdempotencyKey() {
        long before = db.registrations();
        given().contentType(ContentType.JSON).body(Applicants.valid()).post("/v1/registrations")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", containsInAnyOrder("Idempotency-Key"));
        register("x".repeat(256), Applicants.valid()).then().statusCode(400);
        register("naïve", Applicants.valid()).then().statusCode(400);
        assertThat(db.registrations()).isEqualTo(before);
    }

    @Test
    void refusesUnknownFieldsAndMalformedJson() {
        register(UUID.randomUUID().toString(), Applicants.with(Applicants.valid(), "isAdmin", true))
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", containsInAnyOrder("isAdmin"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k-" + UUID.randomUUID()).body("{\"nik\": ")
                .post("/v1/registrations").then().statusCode(400).contentType(PROBLEM_JSON);
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k-" + UUID.randomUUID()).body("[1,2]")
                .post("/v1/registrations").then().statusCode(400).contentType(PROBLEM_JSON);
    }

    @Test
    void replaysTheFirstAnswerToTheSameKey() {
        String key = "replay-" + UUID.randomUUID();
        Map<String, Object> body = Applicants.valid();
        Response first = register(key, body);
        first.then().statusCode(201).header("Idempotent-Replayed", nullValue());
        Response again = register(key, body);
        again.then().statusCode(201).header("Idempotent-Replayed", "true")
                .header("Location", first.header("Location"));
        assertThat(again.asString()).isEqualTo(first.asString());
        assertThat(db.count("SELECT count(*) FROM registration WHERE id = $1", UUID.fromString(first.path("id"))))
                .isEqualTo(1);
    }

    @Test
    void replaysAConflictToo() {
        Map<String, Object> body = Applicants.valid();
        registerNew(body);
        String key = "dup-" + UUID.randomUUID();
        Response first = register(key, body);
        first.then().statusCode(409);
        Response again = register(key, body);
        again.then().statusCode(409).header("Idempotent-Replayed", "true");
        assertThat(again.asString()).isEqualTo(first.asString());
    }

    @Test
    void refusesTheSameKeyWithAnotherBody() {
        String key = "reuse-" + UUID.randomUUID();
        register(key, Applicants.valid()).then().statusCode(201);
        long before = db.registrations();
        register(key, Applicants.valid()).then().statusCode(422).contentType(PROBLEM_JSON)
                .body("type", endsWith("/idempotency-key-reused"));
        assertThat(db.registrations()).isEqualTo(before);
    }

    @Test
    void answersInFlightWhileTheFirstRequestWithTheKeyIsRunning() {
        String key = "in-flight-" + UUID.randomUUID();
        Map<String, Object> body = Applicants.valid();
        long lockId = java.nio.ByteBuffer.wrap(Digests.sha256(key), 0, Long.BYTES).getLong();
        // Hold the key's lock the way a first request still in its transaction does.
        SqlConnection holder = db.pool().getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            holder.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(lockId)).await().atMost(Duration.ofSeconds(10));
            register(key, body).then().statusCode(409).contentType(PROBLEM_JSON)
                    .header("Retry-After", notNullValue())
                    .body("type", endsWith("/request-in-flight"));
        } finally {
            holder.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(lockId)).await().atMost(Duration.ofSeconds(10));
            holder.close().await().atMost(Duration.ofSeconds(10));
        }
        register(key, body).then().statusCode(201);
    }

    @Test
    void refusesASecondRegistrationOfTheSameNikInTheWaveWithoutRevealingTheFirst() {
        Map<String, Object> body = Applicants.valid();
        Registered first = registerNew(body);
        Response duplicate = register(UUID.randomUUID().toString(), Applicants.with(body, "email", "other@example.com"));
        duplicate.then().statusCode(409).contentType(PROBLEM_JSON)
                .body("type", endsWith("/duplicate-registration"));
        assertThat(duplicate.asString()).doesNotContain(first.id(), first.token(), (String) body.get("nik"));
        assertThat(db.count("SELECT count(*) FROM registration WHERE nik_digest = (SELECT nik_digest FROM registration WHERE id = $1)",
                UUID.fromString(first.id()))).isEqualTo(1);
    }

    @Test
    void refusesClosedAndUpcomingWaves() {
        String closed = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2021-02-01T00:00:00Z"), 100);
        String upcoming = db.createWave(Instant.now().plus(Duration.ofDays(30)), Instant.now().plus(Duration.ofDays(40)), 100);
        for (String wave : new String[] { closed, upcoming }) {
            register(UUID.randomUUID().toString(), Applicants.with(Applicants.valid(), "waveCode", wave))
                    .then().statusCode(409).contentType(PROBLEM_JSON).body("type", endsWith("/wave-closed"));
            assertThat(db.registrationsInWave(wave)).isZero();
        }
    }

    @Test
    void refusesRegistrationsBeyondTheQuota() {
        String wave = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2099-01-01T00:00:00Z"), 2);
        for (int i = 0; i < 2; i++) {
            register(UUID.randomUUID().toString(), Applicants.with(Applicants.valid(), "waveCode", wave)).then().statusCode(201);
        }
        register(UUID.randomUUID().toString(), Applicants.with(Applicants.valid(), "waveCode", wave))
                .then().statusCode(409).contentType(PROBLEM_JSON).body("type", endsWith("/wave-full"));
        assertThat(db.registrationsInWave(wave)).isEqualTo(2);
        assertThat(db.registeredCount(wave)).isEqualTo(2);
    }

    @Test
    void defaultsToTheWaveOpenNow() {
        Response created = register(UUID.randomUUID().toString(), Applicants.with(Applicants.valid(), "waveCode", null));
        created.then().statusCode(201).body("waveCode", equalTo(TestWaves.OPEN));
        // Left out, not null: the document declares no field nullable.
        Map<String, Object> withNull = new java.util.HashMap<>(Applicants.valid());
        withNull.put("waveCode", null);
        register(UUID.randomUUID().toString(), withNull).then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", containsInAnyOrder("waveCode"));
        withNull.remove("waveCode");
        register(UUID.randomUUID().toString(), withNull).then().statusCode(201).body("waveCode", equalTo(TestWaves.OPEN));
    }

    @Test
    void anIdempotencyKeyWithACommaIsTheKeyAsSent() {
        // The Lambda adapter splits a header on commas; two keys alike up to their comma are still two keys.
        String prefix = UUID.randomUUID().toString();
        Map<String, Object> person = Applicants.valid();
        GatewayEvents.Answer first = GatewayEvents.register("203.0.113.7", Map.of("Idempotency-Key", prefix + ",1"), person);
        assertThat(first.status()).isEqualTo(201);
        GatewayEvents.Answer other = GatewayEvents.register("203.0.113.7", Map.of("Idempotency-Key", prefix + ",2"), person);
        assertThat(other.status()).as("another key for the same NIK").isEqualTo(409);
        assertThat(other.body().path("type").asText()).endsWith("/duplicate-registration");
        GatewayEvents.Answer replayed = GatewayEvents.register("203.0.113.7", Map.of("Idempotency-Key", prefix + ",1"), person);
        assertThat(replayed.status()).isEqualTo(201);
        assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replayed.body().path("id").asText()).isEqualTo(first.body().path("id").asText());
        GatewayEvents.Answer empty = GatewayEvents.register("203.0.113.7", Map.of("Idempotency-Key", ""), Applicants.valid());
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body().path("errors").path(0).path("field").asText()).isEqualTo("Idempotency-Key");
    }

    @Test
    void readingNeedsTheRegistrationsOwnToken() {
        Registered mine = registerNew();
        Registered other = registerNew();
        given().get("/v1/registrations/" + mine.id()).then().statusCode(401).contentType(PROBLEM_JSON)
                .header("WWW-Authenticate", "Bearer");
        given().header("Authorization", "Bearer " + "A".repeat(43)).get("/v1/registrations/" + mine.id())
                .then().statusCode(401);
        given().header("Authorization", "Basic " + mine.token()).get("/v1/registrations/" + mine.id())
                .then().statusCode(401);
        given().header("Authorization", "Bearer " + other.token()).get("/v1/registrations/" + mine.id())
                .then().statusCode(404).contentType(PROBLEM_JSON);
        given().header("Authorization", "Bearer " + other.token()).get("/v1/registrations/not-a-uuid")
                .then().statusCode(404);
        given().header("Authorization", "Bearer " + mine.token()).get("/v1/registrations/" + mine.id())
                .then().statusCode(200);
    }

    @Test
    void showsTheCurrentWaveWithExactRemainingPlaces() {
        Response wave = given().get("/v1/waves/current");
        wave.then().statusCode(200).header("Cache-Control", "no-store")
                .body("code", equalTo(TestWaves.OPEN))
                .body("status", equalTo("OPEN"))
                .body("opensAt", equalTo("2020-01-01T00:00:00Z"))
                .body("quota", equalTo(1_000_000));
        assertThat((int) wave.path("remaining")).isEqualTo(1_000_000 - (int) db.registeredCount(TestWaves.OPEN));
    }

    @Test
    void answersUnknownRoutesAndMethodsWithProblems() {
        given().get("/v1/nothing-here").then().statusCode(404).contentType(PROBLEM_JSON).header("Cache-Control", "no-store");
        given().delete("/v1/waves/current").then().statusCode(405).contentType(PROBLEM_JSON);
        given().contentType(ContentType.TEXT).header("Idempotency-Key", "k").body("hello").post("/v1/registrations")
                .then().statusCode(415).contentType(PROBLEM_JSON);
    }

    @Test
    void servesHealthAndTheOpenApiDocument() {
        given().get("/q/health/live").then().statusCode(200).header("Cache-Control", "no-store");
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItem("/v1/registrations"))
                .body("paths.keySet()", hasItem("/v1/registrations/{id}"))
                .body("paths.keySet()", hasItem("/v1/registrations/{id}/ktp/upload-url"))
                .body("paths.keySet()", hasItem("/v1/registrations/{id}/ktp/confirm"))
                .body("paths.keySet()", hasItem("/v1/waves/current"));
    }
}
