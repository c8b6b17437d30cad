package id.gelombang.verification.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static id.gelombang.testing.Operator.operator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.Funnel;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.domain.NikCheckPriority;
import id.gelombang.verification.persistence.JobQueue;
import id.gelombang.verification.dukcapil.DukcapilClient;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Someone registers with another person's NIK and made-up details: the registry rejects the
 * registration, which then gives back the NIK, its family-card place and its place in the wave,
 * so the NIK's owner can register in the same wave, also when that place is the wave's last. A
 * squatter who registers it again is checked first; a registry that is down or refuses one request
 * leaves nobody holding a NIK for ever.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
@WithTestResource(DukcapilStub.class)
class NikSquattingTest {

    private static final String SQUATTER_NAME = "Penyerobot Nomor";

    @Inject
    Database db;

    @Inject
    JobWorker worker;

    @Inject
    DukcapilClient dukcapil;

    private final WireMockServer registry = DukcapilStub.server();

    @BeforeEach
    void onlyThisTestsJobsAreDueAndTheRegistryKnowsTheOwners() {
        Jobs.parkAllOpen(db);
        registry.resetAll();
        dukcapil.resetCircuit();
        // The registry knows every owner's details; the squatter's made-up name does not match.
        registry.stubFor(post(DukcapilStub.PATH).willReturn(answer("MATCH")));
        registry.stubFor(post(DukcapilStub.PATH).withRequestBody(matchingJsonPath("$.fullName", WireMock.equalTo(SQUATTER_NAME)))
                .atPriority(1).willReturn(answer("MISMATCH")));
    }

    @Test
    void aRejectedSquatterGivesBackTheNikTheFamilyCardPlaceAndTheWavePlace() {
        String wave = openWave(10);
        db.execute("UPDATE wave SET household_limit = 1 WHERE code = $1", wave);
        Map<String, Object> owner = Applicants.with(Applicants.valid(), "waveCode", wave);
        // The squatter types the owner's NIK and family card, with a name of their own.
        Registered squatter = Api.registerNew(Applicants.with(owner, "fullName", SQUATTER_NAME));
        assertThat(remaining(wave)).isEqualTo(9);
        long rejectedBefore = Funnel.count(wave, "nikRejected");

        Api.register(UUID.randomUUID().toString(), owner).then().statusCode(409)
                .body("type", endsWith("/duplicate-registration"))
                .body("detail", containsString("released after its NIK check"));

        drainNik();

        Api.get(squatter).then().statusCode(200).body("status", equalTo("REJECTED"))
                .body("nikVerification.status", equalTo("REJECTED"))
                .body("nikVerification.reason", equalTo("NIK_DATA_MISMATCH"));
        assertThat(remaining(wave)).isEqualTo(10);
        assertThat(db.count("SELECT count(*) FROM household h JOIN wave w ON w.id = h.wave_id WHERE w.code = $1 AND h.registered > 0",
                wave)).as("family-card places held").isZero();
        assertThat(Funnel.count(wave, "nikRejected")).isEqualTo(rejectedBefore + 1);

        // The owner, with a new attempt (a new Idempotency-Key), now registers in the same wave.
        Registered rightful = Api.registerNew(owner);
        assertThat(remaining(wave)).isEqualTo(9);
        drainNik();
        Api.get(rightful).then().body("status", equalTo("REGISTERED")).body("nikVerification.status", equalTo("VERIFIED"));
        // Recording the verdict again (a second worker, a replayed job) releases nothing twice.
        assertThat(Funnel.count(wave, "nikRejected")).isEqualTo(rejectedBefore + 1);
        assertThat(remaining(wave)).isEqualTo(9);
        assertThat(db.registeredCount(wave)).isEqualTo(1);
    }

    @Test
    void theLastPlaceFreedByARejectionGoesToExactlyOneOfManyRacingRegistrants() throws Exception {
        int quota = 3;
        String wave = openWave(quota);
        Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", wave));
        Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", wave));
        Map<String, Object> owner = Applicants.with(Applicants.valid(), "waveCode", wave);
        Registered squatter = Api.registerNew(Applicants.with(owner, "fullName", SQUATTER_NAME));
        assertThat(remaining(wave)).isZero();
        Api.register(UUID.randomUUID().toString(), Applicants.with(Applicants.valid(), "waveCode", wave)).then()
                .statusCode(409).body("type", endsWith("/wave-full"));

        drainNik(); // the two others are verified, the squatter rejected and released
        Api.get(squatter).then().body("status", equalTo("REJECTED"));
        assertThat(remaining(wave)).isEqualTo(1);

        // The owner (three attempts at once, each with its own key) and six others race for it.
        List<Map<String, Object>> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            bodies.add(owner);
        }
        for (int i = 0; i < 6; i++) {
            bodies.add(Applicants.with(Applicants.valid(), "waveCode", wave));
        }
        var outcome = Concurrently.run(bodies.size(), bodies.size(), n -> {
            Response response = Api.register(UUID.randomUUID().toString(), bodies.get(n));
            return response.statusCode() == 201 ? "201" : response.statusCode() + " " + response.path("type");
        });

        assertThat(outcome.results()).filteredOn("201"::equals).hasSize(1);
        assertThat(outcome.results()).filteredOn(r -> !r.equals("201"))
                .allMatch(r -> r.endsWith("/wave-full") || r.endsWith("/duplicate-registration"));
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND released_at IS NULL", wave))
                .as("registrations holding a place").isEqualTo(quota);
        assertThat(db.registeredCount(wave)).isEqualTo(quota);
        assertThat(remaining(wave)).isZero();
    }

    @Test
    void aSquatterWhoRegistersARejectedNikAgainIsCheckedBeforeTheQueue() {
        String wave = openWave(10);
        Map<String, Object> owner = Applicants.with(Applicants.valid(), "waveCode", wave);
        Map<String, Object> squatting = Applicants.with(owner, "fullName", SQUATTER_NAME);
        Registered first = Api.registerNew(squatting);
        drainNik();
        Api.get(first).then().body("status", equalTo("REJECTED"));
        // Others registered before the squatter comes back: their checks are older, and due.
        List<Registered> queue = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queue.add(Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", wave)));
        }

        // At once, with a new Idempotency-Key: a new registration of the same NIK.
        Registered again = Api.registerNew(squatting);

        JobQueue.ClaimedJob next = worker.claim(JobKind.NIK_CHECK);
        assertThat(next).isNotNull();
        assertThat(next.registrationId()).as("the re-registration's check goes first").hasToString(again.id());
        assertThat(db.count("SELECT priority FROM verification_job WHERE registration_id = $1 AND kind = 'NIK_CHECK'",
                UUID.fromString(again.id()))).isEqualTo(NikCheckPriority.CONTESTED.value());
        for (Registered other : queue) {
            assertThat(db.count("SELECT priority FROM verification_job WHERE registration_id = $1 AND kind = 'NIK_CHECK'",
                    UUID.fromString(other.id()))).as("a first registration of a NIK").isEqualTo(NikCheckPriority.EMAIL_UNVERIFIED.value());
        }
    }

    @Test
    void aRegistryOutageNeverEndsACheckAndTheFunnelCountsWhoWaitsForIt() {
        String wave = openWave(10);
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", wave));
        registry.resetAll();
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(503)));

        // More attempts than a failing check is allowed (max-attempts 4 in these tests), each one due again.
        int rounds = 7;
        for (int i = 0; i < rounds; i++) {
            dukcapil.resetCircuit();
            Jobs.makeDue(db, r.id());
            drainNik();
        }

        var job = Jobs.of(db, r.id(), "NIK_CHECK");
        assertThat(job.getString("state")).isEqualTo("PENDING");
        assertThat(job.getInteger("attempts")).isEqualTo(rounds);
        assertThat(job.getString("last_error")).isEqualTo("dukcapil-503");
        // Backing off, capped (backoff-cap PT2S in these tests), whatever the number of attempts.
        assertThat(job.getOffsetDateTime("run_after").toInstant()).isBefore(Instant.now().plusSeconds(3));
        Api.get(r).then().body("status", equalTo("REGISTERED")).body("nikVerification.status", equalTo("PENDING"));
        assertThat(Funnel.count(wave, "nikChecksWaitingOnRegistry")).isEqualTo(1);
        assertThat(Funnel.count(wave, "nikCheckFailed")).isZero();

        // The registry is back: the check it waited for goes through.
        registry.resetAll();
        registry.stubFor(post(DukcapilStub.PATH).willReturn(answer("MATCH")));
        dukcapil.resetCircuit();
        Jobs.makeDue(db, r.id());
        drainNik();
        Api.get(r).then().body("nikVerification.status", equalTo("VERIFIED"));
        assertThat(Funnel.count(wave, "nikChecksWaitingOnRegistry")).isZero();
    }

    @Test
    void aCheckTheRegistryKeepsRefusingEndsRejectedAndGivesTheNikBack() {
        String wave = openWave(10);
        Map<String, Object> owner = Applicants.with(Applicants.valid(), "waveCode", wave);
        // The registry refuses this one request (400) every time; it answers everyone else.
        registry.stubFor(post(DukcapilStub.PATH).withRequestBody(matchingJsonPath("$.fullName", WireMock.equalTo(SQUATTER_NAME)))
                .atPriority(1).willReturn(aResponse().withStatus(400)));
        Registered refused = Api.registerNew(Applicants.with(owner, "fullName", SQUATTER_NAME));
        long failedBefore = Funnel.count(wave, "nikCheckFailed");

        for (int i = 0; i < 4; i++) { // max-attempts 4 in these tests
            assertThat(dukcapil.circuitOpenUntil()).as("one request refused is no outage").isEmpty();
            Jobs.makeDue(db, refused.id());
            drainNik();
        }

        assertThat(Jobs.of(db, refused.id(), "NIK_CHECK").getString("state")).isEqualTo("FAILED");
        Api.get(refused).then().body("status", equalTo("REJECTED"))
                .body("nikVerification.status", equalTo("REJECTED"))
                .body("nikVerification.reason", equalTo("NIK_NOT_CHECKABLE"));
        assertThat(Funnel.count(wave, "nikCheckFailed")).isEqualTo(failedBefore + 1);
        assertThat(remaining(wave)).isEqualTo(10);
        // Nothing holds the NIK: its owner registers.
        Registered rightful = Api.registerNew(owner);
        drainNik();
        Api.get(rightful).then().body("nikVerification.status", equalTo("VERIFIED"));
    }

    private String openWave(int quota) {
        return db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), quota);
    }

    private static int remaining(String wave) {
        return operator().get("/v1/admin/waves/" + wave).then().statusCode(200).extract().path("remaining");
    }

    private void drainNik() {
        worker.drain(JobKind.NIK_CHECK, Duration.ofSeconds(60), true);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer(String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"result\": \"" + result + "\"}");
    }
}
