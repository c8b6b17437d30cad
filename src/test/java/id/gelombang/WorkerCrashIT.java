package id.gelombang;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.PackagedFunction;
import id.gelombang.testing.Sql;
import id.gelombang.testing.TestWaves;
import io.vertx.sqlclient.Row;

/**
 * A NIK-check worker (the packaged function, as its Lambda runs it) is killed with SIGKILL while
 * its call to the registry is in flight, after it claimed the job and before it could record the
 * answer. A fresh worker takes the job over once the lease runs out, and the job's effect is
 * recorded exactly once.
 */
class WorkerCrashIT {

    private static final Duration LEASE = Duration.ofSeconds(4);
    private static WireMockServer registry;

    @BeforeAll
    static void start() {
        registry = new WireMockServer(options().dynamicPort());
        registry.start();
        PackagedFunction.start();
    }

    @AfterAll
    static void stop() {
        registry.stop();
    }

    @Test
    void aJobWhoseWorkerDiedMidCallIsCompletedOnceByTheNextWorker() throws Exception {
        // Nothing else due, so the workers below handle this registration only.
        Sql.query("UPDATE verification_job SET run_after = 'infinity' WHERE state IN ('PENDING', 'RUNNING')");
        long verifiedBefore = funnel("NIK_VERIFIED");
        Registered r = Api.registerNew();
        // The registry stalls on the first call (the worker dies waiting), then answers at once.
        registry.stubFor(post(DukcapilStub.PATH).inScenario("crash").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(match().withFixedDelay(120_000)).willSetStateTo("answering"));
        registry.stubFor(post(DukcapilStub.PATH).inScenario("crash").whenScenarioStateIs("answering")
                .willReturn(match()));

        PackagedFunction.Instance doomed = PackagedFunction.launch("worker-1", workerConfig());
        Thread drain = new Thread(() -> {
            try {
                given().port(doomed.port()).post("/internal/workers/NIK_CHECK/drain?seconds=60&untilIdle=true");
            } catch (RuntimeException e) {
                // the worker dies under this call
            }
        });
        drain.setDaemon(true);
        drain.start();
        awaitCalls(1);
        Row claimed = job(r);
        assertThat(claimed.getString("state")).isEqualTo("RUNNING");
        assertThat(claimed.getInteger("attempts")).isEqualTo(1);

        doomed.kill();
        Thread.sleep(LEASE.plusMillis(500).toMillis());

        PackagedFunction.Instance successor = PackagedFunction.launch("worker-2", workerConfig());
        try {
            given().port(successor.port()).post("/internal/workers/NIK_CHECK/drain?seconds=60&untilIdle=true")
                    .then().statusCode(200).body("settled", equalTo(1));
        } finally {
            successor.kill();
        }

        Row done = job(r);
        assertThat(done.getString("state")).isEqualTo("DONE");
        assertThat(done.getInteger("attempts")).isEqualTo(2);
        Api.get(r).then().statusCode(200).body("nikVerification.status", equalTo("VERIFIED"));
        assertThat(funnel("NIK_VERIFIED")).as("counted once").isEqualTo(verifiedBefore + 1);
        List<String> requestIds = registry.findAll(postRequestedFor(urlEqualTo(DukcapilStub.PATH))).stream()
                .map(request -> request.getHeader("X-Request-Id")).toList();
        assertThat(requestIds).containsExactly("job-" + done.getLong("id") + "-1", "job-" + done.getLong("id") + "-2");
    }

    private static Map<String, String> workerConfig() {
        return Map.of(
                "gelombang.internal-routes.enabled", "true",
                "gelombang.verification.dukcapil.url", registry.baseUrl(),
                "gelombang.verification.dukcapil.credential", DukcapilStub.CREDENTIAL,
                // Longer than the stall: the first worker is inside its call when it is killed.
                "gelombang.verification.dukcapil.timeout", "PT150S",
                "gelombang.verification.lease", LEASE.toString(),
                // This registrant has not verified their email: check it now, not only from quota left over.
                "gelombang.verification.dukcapil.unverified-reserve", "0",
                "gelombang.verification.dukcapil.unverified-after", "PT0S");
    }

    private static void awaitCalls(int n) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (registry.findAll(postRequestedFor(urlEqualTo(DukcapilStub.PATH))).size() < n) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("The worker never called the registry");
            }
            Thread.sleep(100);
        }
    }

    private static Row job(Registered r) {
        return Sql.row("SELECT id, state, attempts FROM verification_job WHERE registration_id = $1 AND kind = 'NIK_CHECK'",
                UUID.fromString(r.id()));
    }

    private static long funnel(String stage) {
        return Sql.count("""
                SELECT coalesce(sum(f.count), 0) FROM wave_funnel f JOIN wave w ON w.id = f.wave_id
                WHERE w.code = $1 AND f.stage = $2""", TestWaves.OPEN, stage);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder match() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"result\": \"MATCH\"}");
    }
}
