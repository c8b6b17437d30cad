package id.gelombang.registration.rest;

import static id.gelombang.testing.Api.register;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * An email address serves at most gelombang.registration.limits.per-email-per-wave registrations in
 * a wave (3 by default): a family of two on one family card and a relative using the family's
 * address are all served; a bot with one mailbox and a leaked NIK list is not, however it spells the
 * address and however many requests it sends at once. A withdrawal gives the address's use back.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class EmailLimitTest {

    @Inject
    Database db;

    private String wave() {
        return db.createWave(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), 1000);
    }

    private static Map<String, Object> applicant(String wave, String email) {
        return Applicants.with(Applicants.with(Applicants.valid(), "waveCode", wave), "email", email);
    }

    @Test
    void aFamilyAndARelativeShareAnAddressTheFourthRegistrationWithItIsRefused() {
        String wave = wave();
        String mailbox = "keluarga." + UUID.randomUUID().toString().substring(0, 8);
        // Two members of one family card, and a relative outside it, all with the family's address.
        Map<String, Object> mother = applicant(wave, mailbox + "@gmail.com");
        Map<String, Object> daughter = Applicants.with(applicant(wave, mailbox + "@gmail.com"), "kkNumber", mother.get("kkNumber"));
        Map<String, Object> uncle = applicant(wave, mailbox + "@gmail.com");
        for (Map<String, Object> member : List.of(mother, daughter, uncle)) {
            register(UUID.randomUUID().toString(), member).then().statusCode(201);
        }

        // Another spelling of the same Gmail mailbox is the same address.
        String sameMailbox = mailbox.replace(".", "").toUpperCase() + "+wave@googlemail.com";
        String key = UUID.randomUUID().toString();
        Map<String, Object> fourth = applicant(wave, sameMailbox);
        Response refused = register(key, fourth);
        refused.then().statusCode(409).contentType("application/problem+json").header("Cache-Control", "no-store")
                .body("type", endsWith("/email-limit")).body("status", equalTo(409));
        assertThat(refused.asString()).doesNotContain(mailbox).doesNotContain((String) fourth.get("nik"));
        assertThat(db.registrationsInWave(wave)).isEqualTo(3);
        assertThat(db.registeredCount(wave)).isEqualTo(3);
        // The refusal is the key's stored answer, as every decided refusal is.
        register(key, fourth).then().statusCode(409).header("Idempotent-Replayed", "true").body("type", endsWith("/email-limit"));

        // Another address is served.
        register(UUID.randomUUID().toString(), Applicants.with(fourth, "email", "sendiri." + mailbox + "@example.com"))
                .then().statusCode(201);
    }

    @Test
    void aWithdrawalGivesTheAddressItsUseBack() {
        String wave = wave();
        String email = "bersama." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Registered first = Api.registerNew(applicant(wave, email));
        Api.registerNew(applicant(wave, email));
        Api.registerNew(applicant(wave, email));
        register(UUID.randomUUID().toString(), applicant(wave, email)).then().statusCode(409).body("type", endsWith("/email-limit"));

        given().header("Authorization", "Bearer " + first.token()).delete("/v1/registrations/" + first.id()).then().statusCode(204);

        register(UUID.randomUUID().toString(), applicant(wave, email)).then().statusCode(201);
        register(UUID.randomUUID().toString(), applicant(wave, email)).then().statusCode(409).body("type", endsWith("/email-limit"));
        assertThat(db.count("SELECT registered FROM wave_email e JOIN wave w ON w.id = e.wave_id WHERE w.code = $1", wave))
                .isEqualTo(3);
    }

    @Test
    void aNewAddressTakesItsUseWithItAndOneAlreadyUsedUpIsRefused() {
        String wave = wave();
        String mailbox = "satu." + UUID.randomUUID().toString().substring(0, 8) + "@example.net";
        // A bot registers with throwaway addresses, then points each registration at the one mailbox it reads.
        List<Registered> registrations = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            registrations.add(Api.registerNew(applicant(wave, "buang" + i + "." + UUID.randomUUID() + "@example.org")));
        }
        for (Registered r : registrations.subList(0, 3)) {
            changeAddress(r, mailbox).then().statusCode(200);
        }
        Response refused = changeAddress(registrations.get(3), mailbox.toUpperCase());
        refused.then().statusCode(409).contentType("application/problem+json").body("type", endsWith("/email-limit"));
        assertThat(refused.asString()).doesNotContainIgnoringCase(mailbox);
        Api.get(registrations.get(3)).then().statusCode(200).body("email.address", endsWith("@example.org"));
        assertThat(uses(wave)).as("the mailbox's three uses, and the fourth registration's own address").containsExactly(1L, 3L);

        // A registration that moves away gives the mailbox's use back; the refused one may then take it.
        changeAddress(registrations.get(0), "sendiri." + mailbox).then().statusCode(200);
        changeAddress(registrations.get(3), mailbox).then().statusCode(200);
        assertThat(uses(wave)).as("the new address's use and the mailbox's three; a count that reaches 0 is forgotten")
                .containsExactly(1L, 3L);
        register(UUID.randomUUID().toString(), applicant(wave, mailbox)).then().statusCode(409).body("type", endsWith("/email-limit"));
    }

    /** A new address, its last code asked for long enough ago that a new one may be mailed. */
    private Response changeAddress(Registered r, String address) {
        db.execute("UPDATE email_code SET requested_at = requested_at - interval '2 minutes' WHERE registration_id = $1",
                UUID.fromString(r.id()));
        return given().contentType("application/json").header("Authorization", "Bearer " + r.token())
                .body(Map.of("address", address)).put("/v1/registrations/" + r.id() + "/email");
    }

    /** The wave's per-address use counts, smallest first. */
    private List<Long> uses(String wave) {
        return db.longs("SELECT e.registered FROM wave_email e JOIN wave w ON w.id = e.wave_id WHERE w.code = $1 ORDER BY 1", wave);
    }

    @Test
    void manyRegistrationsWithOneAddressAtOnceGetExactlyTheLimit() throws Exception {
        String wave = wave();
        String email = "bot." + UUID.randomUUID().toString().substring(0, 8) + "@example.net";
        var outcome = Concurrently.run(24, 12, i -> register(UUID.randomUUID().toString(), applicant(wave, email)).statusCode());

        assertThat(outcome.maxInFlight()).isGreaterThan(1);
        assertThat(outcome.results()).filteredOn(status -> status == 201).hasSize(3);
        assertThat(outcome.results()).filteredOn(status -> status == 409).hasSize(21);
        assertThat(db.registrationsInWave(wave)).isEqualTo(3);
        assertThat(db.registeredCount(wave)).isEqualTo(3);
        // Every refusal gave its family card's place back.
        assertThat(db.count("SELECT coalesce(sum(h.registered), 0) FROM household h JOIN wave w ON w.id = h.wave_id WHERE w.code = $1",
                wave)).isEqualTo(3);
    }
}
