package id.gelombang.verification.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.Funnel;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.TestWaves;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.dukcapil.DukcapilClient;
import id.gelombang.verification.persistence.JobQueue.ClaimedJob;
import id.gelombang.verification.service.JobResult;
import id.gelombang.verification.service.JobWorker;
import id.gelombang.verification.service.NikCheckHandler.Verdict;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The Dukcapil NIK check against a stub registry that answers, refuses, throttles, stalls and
 * drops connections: results reach the registrant, failures are retried with backoff, waits for
 * quota or throttling cost no attempts, the circuit opens, and the configured rate holds.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
@WithTestResource(DukcapilStub.class)
class NikVerificationTest {

    @Inject
    Database db;

    @Inject
    JobWorker worker;

    @Inject
    DukcapilClient dukcapil;

    private final WireMockServer registry = DukcapilStub.server();

    @BeforeEach
    void onlyThisTestsJobsAreDueAndTheRegistryIsFresh() {
        Jobs.parkAllOpen(db);
        registry.resetAll();
        dukcapil.resetCircuit();
    }

    @Test
    void aMatchVerifiesTheNikAndTheRequestCarriesTheRegistrantsDetails() {
        answer("MATCH");
        long before = Funnel.count(TestWaves.OPEN, "nikVerified");
        Map<String, Object> body = Applicants.valid();
        Registered r = Api.registerNew(body);
        Api.get(r).then().body("nikVerification.status", org.hamcrest.Matchers.equalTo("PENDING"));

        drainNik();

        Api.get(r).then().body("nikVerification.status", org.hamcrest.Matchers.equalTo("VERIFIED"));
        assertThat(Funnel.count(TestWaves.OPEN, "nikVerified")).isEqualTo(before + 1);
        registry.verify(1, postRequestedFor(urlEqualTo(DukcapilStub.PATH))
                .withHeader("Authorization", equalTo("Bearer " + DukcapilStub.CREDENTIAL))
                .withRequestBody(equalToJson("""
                        {"nik": "%s", "fullName": "%s", "birthDate": "%s", "sex": "%s"}""".formatted(
                        body.get("nik"), body.get("fullName"), body.get("birthDate"), body.get("sex")))));
        assertThat(Jobs.of(db, r.id(), "NIK_CHECK").getString("state")).isEqualTo("DONE");
    }

    @Test
    void aMismatchRejectsTheNikWithAReason() {
        answer("MISMATCH");
        long before = Funnel.count(TestWaves.OPEN, "nikRejected");
        Registered r = Api.registerNew();
        drainNik();
        Api.get(r).then().body("nikVerification.status", org.hamcrest.Matchers.equalTo("REJECTED"))
                .body("nikVerification.reason", org.hamcrest.Matchers.equalTo("NIK_DATA_MISMATCH"));
        assertThat(Funnel.count(TestWaves.OPEN, "nikRejected")).isEqualTo(before + 1);
    }

    @Test
    void serverErrorsSlownessAndDroppedConnectionsAreRetriedWithBackoffUntilTheRegistryAnswers() {
        registry.stubFor(post(DukcapilStub.PATH).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("slow"));
        registry.stubFor(post(DukcapilStub.PATH).inScenario("flaky").whenScenarioStateIs("slow")
                .willReturn(okJson("MATCH").withFixedDelay(2_500)).willSetStateTo("dropping"));
        registry.stubFor(post(DukcapilStub.PATH).inScenario("flaky").whenScenarioStateIs("dropping")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("healthy"));
        registry.stubFor(post(DukcapilStub.PATH).inScenario("flaky").whenScenarioStateIs("healthy")
                .willReturn(okJson("MATCH")));
        Registered r = Api.registerNew();

        List<String> errors = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            drainNik();
            Row job = Jobs.of(db, r.id(), "NIK_CHECK");
            assertThat(job.getString("state")).isEqualTo("PENDING");
            assertThat(job.getInteger("attempts")).isEqualTo(attempt);
            assertThat(job.getOffsetDateTime("run_after").toInstant()).as("backoff").isAfter(Instant.now().minusMillis(100));
            errors.add(job.getString("last_error"));
            Api.get(r).then().body("nikVerification.status", org.hamcrest.Matchers.equalTo("PENDING"));
            Jobs.makeDue(db, r.id());
        }
        assertThat(errors).containsExactly("dukcapil-503", "dukcapil-timeout", "dukcapil-connection");

        drainNik();
        Api.get(r).then().body("nikVerification.status", org.hamcrest.Matchers.equalTo("VERIFIED"));
        assertThat(Jobs.of(db, r.id(), "NIK_CHECK").getInteger("attempts")).isEqualTo(4);
    }

    @Test
    void aCheckTheRegistryKeepsRefusingEndsFailedRejectsTheNikAndTheFunnelShowsIt() {
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(422)));
        long before = Funnel.count(TestWaves.OPEN, "nikCheckFailed");
        Registered r = Api.registerNew();
        for (int attempt = 1; attempt <= 4; attempt++) { // max-attempts is 4 in these tests
            drainNik();
            Jobs.makeDue(db, r.id());
        }
        Row job = Jobs.of(db, r.id(), "NIK_CHECK");
        assertThat(job.getString("state")).isEqualTo("FAILED");
        assertThat(job.getString("last_error")).isEqualTo("dukcapil-refused-422");
        assertThat(Funnel.count(TestWaves.OPEN, "nikCheckFailed")).isEqualTo(before + 1);
        // Ended, so it holds nothing: REJECTED with its own reason, the NIK released.
        Api.get(r).then().body("status", org.hamcrest.Matchers.equalTo("REJECTED"))
                .body("nikVerification.status", org.hamcrest.Matchers.equalTo("REJECTED"))
                .body("nikVerification.reason", org.hamcrest.Matchers.equalTo("NIK_NOT_CHECKABLE"));
    }

    @Test
    void outagesWaitedOutDoNotUseUpTheRefusalsThatEndACheck() {
        Registered r = Api.registerNew();
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(503)));
        for (int outage = 1; outage <= 6; outage++) { // more outages than max-attempts (4)
            drainNik();
            Jobs.makeDue(db, r.id());
            dukcapil.resetCircuit();
        }
        assertThat(Jobs.of(db, r.id(), "NIK_CHECK").getInteger("attempts")).isEqualTo(6);

        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(422)));
        drainNik();

        Row job = Jobs.of(db, r.id(), "NIK_CHECK");
        assertThat(job.getString("state")).isEqualTo("PENDING");
        assertThat(job.getInteger("failures")).isEqualTo(1);
        Api.get(r).then().body("status", org.hamcrest.Matchers.equalTo("REGISTERED"))
                .body("nikVerification.status", org.hamcrest.Matchers.equalTo("PENDING"));

        Jobs.makeDue(db, r.id());
        answer("MATCH");
        drainNik();
        Api.get(r).then().body("nikVerification.status", org.hamcrest.Matchers.equalTo("VERIFIED"));
    }

    @Test
    void aRegistryThatRefusesEveryRequestMakesChecksWaitInsteadOfRejectingEveryone() {
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(400)));
        List<Registered> registrants = List.of(Api.registerNew(), Api.registerNew(), Api.registerNew());
        for (int round = 1; round <= 6; round++) { // each job could be refused more often than max-attempts (4)
            drainNik();
            registrants.forEach(r -> Jobs.makeDue(db, r.id()));
        }

        assertThat(registrants).allSatisfy(r -> {
            Row job = Jobs.of(db, r.id(), "NIK_CHECK");
            assertThat(job.getString("state")).isEqualTo("PENDING");
            assertThat(job.getString("last_error")).isIn("dukcapil-refusing-every-request", "dukcapil-circuit-open");
            assertThat(job.getBoolean("awaiting_service")).as("counted in nikChecksWaitingOnRegistry").isTrue();
            Api.get(r).then().body("status", org.hamcrest.Matchers.equalTo("REGISTERED"))
                    .body("nikVerification.status", org.hamcrest.Matchers.equalTo("PENDING"));
        });
        assertThat(registry.findAll(postRequestedFor(urlEqualTo(DukcapilStub.PATH))))
                .as("refusals, then outages until the circuit opened").hasSize(DukcapilStub.BREAKER_REFUSALS + 5);
    }

    @Test
    void throttlingByTheRegistryWaitsWithoutUsingUpAttempts() {
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));
        Registered r = Api.registerNew();
        drainNik();
        Row job = waitingWithoutUsingAnAttempt(r, "dukcapil-throttled");
        assertThat(job.getOffsetDateTime("run_after").toInstant()).isAfter(Instant.now().plusSeconds(100));
    }

    @Test
    void whenTheDailyQuotaIsUsedUpJobsStayUnclaimedWithoutCallingTheRegistry() {
        answer("MATCH");
        db.execute("""
                INSERT INTO outbound_gate (name, next_slot, quota_day, used_today) VALUES ('dukcapil', now(), $1, 100000)
                ON CONFLICT (name) DO UPDATE SET quota_day = excluded.quota_day, used_today = excluded.used_today""",
                LocalDate.now(ZoneId.of("Asia/Jakarta")));
        try {
            Registered r = Api.registerNew();
            drainNik();
            // Not claimed at all (the worker reads the day's use first): no job is touched until the quota is back.
            Row job = Jobs.of(db, r.id(), "NIK_CHECK");
            assertThat(job.getString("state")).isEqualTo("PENDING");
            assertThat(job.getInteger("attempts")).isZero();
            assertThat(job.getString("last_error")).isNull();
            registry.verify(0, postRequestedFor(urlEqualTo(DukcapilStub.PATH)));
        } finally {
            db.execute("UPDATE outbound_gate SET used_today = 0 WHERE name = 'dukcapil'");
        }
    }

    @Test
    void repeatedFailuresOpenTheCircuitAndLaterJobsWaitWithoutCallingTheRegistry() {
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(502)));
        List<Registered> registrants = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            registrants.add(Api.registerNew());
        }
        drainNik();
        int calls = registry.findAll(postRequestedFor(urlEqualTo(DukcapilStub.PATH))).size();
        assertThat(calls).as("calls before the circuit opened (breaker-failures = 5)").isEqualTo(5);
        List<String> errors = registrants.stream().map(r -> Jobs.of(db, r.id(), "NIK_CHECK").getString("last_error")).toList();
        assertThat(errors).filteredOn("dukcapil-circuit-open"::equals).hasSize(3);
        assertThat(registrants).allSatisfy(r -> assertThat(Jobs.of(db, r.id(), "NIK_CHECK").getString("state")).isEqualTo("PENDING"));
    }

    @Test
    void callsNeverExceedTheConfiguredRateAcrossConcurrentWorkers() throws Exception {
        answer("MATCH");
        List<Registered> registrants = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            registrants.add(Api.registerNew());
        }
        Instant start = Instant.now();
        var outcome = Concurrently.run(3, 3, w -> worker.drain(JobKind.NIK_CHECK, Duration.ofSeconds(60), true).settled());
        Duration took = Duration.between(start, Instant.now());

        assertThat(outcome.results().stream().mapToInt(Integer::intValue).sum()).isEqualTo(25);
        assertThat(outcome.results()).as("every worker took some jobs").allMatch(n -> n > 0);
        List<Instant> calls = registry.findAll(postRequestedFor(urlEqualTo(DukcapilStub.PATH))).stream()
                .map(LoggedRequest::getLoggedDate).map(java.util.Date::toInstant).sorted().toList();
        assertThat(calls).hasSize(25);
        int busiestSecond = RateWindows.maxPerSecond(calls);
        System.out.printf("NIK checks: 25 calls by 3 workers in %d ms; busiest second %d (limit %d)%n",
                took.toMillis(), busiestSecond, DukcapilStub.NIK_RATE_PER_SECOND);
        assertThat(busiestSecond).as("calls in any one second").isLessThanOrEqualTo(DukcapilStub.NIK_RATE_PER_SECOND);
        assertThat(registrants).allSatisfy(r -> Api.get(r).then()
                .body("nikVerification.status", org.hamcrest.Matchers.equalTo("VERIFIED")));
    }

    @Test
    void aResultFromAWorkerWhoseLeaseWasTakenOverIsNotRecordedAgain() {
        answer("MATCH");
        long before = Funnel.count(TestWaves.OPEN, "nikVerified");
        Registered r = Api.registerNew();
        ClaimedJob stale = worker.claim(JobKind.NIK_CHECK);
        assertThat(stale.registrationId()).isEqualTo(UUID.fromString(r.id()));
        // The first worker stalls past its lease; another claims the job and finishes it.
        db.execute("UPDATE verification_job SET lease_until = now() - interval '1 second' WHERE id = $1", stale.id());
        drainNik();
        // The stalled worker wakes up with its own answer: it must change nothing.
        worker.settle(stale, new JobResult.Completed<>(new Verdict(id.gelombang.registration.domain.NikStatus.REJECTED, id.gelombang.registration.domain.NikRejection.NIK_NOT_FOUND)));

        Row job = Jobs.of(db, r.id(), "NIK_CHECK");
        assertThat(job.getString("state")).isEqualTo("DONE");
        assertThat(job.getInteger("attempts")).isEqualTo(2);
        Api.get(r).then().body("nikVerification.status", org.hamcrest.Matchers.equalTo("VERIFIED"));
        assertThat(Funnel.count(TestWaves.OPEN, "nikVerified")).isEqualTo(before + 1);
    }

    private Row waitingWithoutUsingAnAttempt(Registered r, String reason) {
        Row job = Jobs.of(db, r.id(), "NIK_CHECK");
        assertThat(job.getString("state")).isEqualTo("PENDING");
        assertThat(job.getInteger("attempts")).isZero();
        assertThat(job.getString("last_error")).isEqualTo(reason);
        return job;
    }

    private void drainNik() {
        worker.drain(JobKind.NIK_CHECK, Duration.ofSeconds(60), true);
    }

    private void answer(String result) {
        registry.stubFor(post(DukcapilStub.PATH).withRequestBody(matchingJsonPath("$.nik")).willReturn(okJson(result)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"result\": \"" + result + "\"}");
    }
}
