package id.gelombang.verification.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Mailbox;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.dukcapil.DukcapilClient;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A worker reads a registration's personal data, then waits for its rate slot; the registrant
 * withdraws meanwhile (a real withdrawal through the API, while the worker's thread waits). When
 * the slot comes, nothing goes out: no mail with the name, no NIK, name and birth date to the
 * registry.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
@WithTestResource(DukcapilStub.class)
class SendAfterWithdrawalTest {

    /** How long the worker waits for its slot: time enough to withdraw in between. */
    private static final Duration SLOT_WAIT = Duration.ofSeconds(3);

    @Inject
    Database db;

    @Inject
    JobWorker worker;

    @Inject
    DukcapilClient dukcapil;

    private final WireMockServer registry = DukcapilStub.server();

    @BeforeEach
    void onlyThisTestsJobsAreDue() {
        Jobs.parkAllOpen(db);
        registry.resetAll();
        dukcapil.resetCircuit();
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"result\": \"MATCH\"}")));
    }

    @Test
    void noEmailCodeGoesToARegistrantWhoWithdrewWhileTheWorkerWaitedForItsSlot() throws Exception {
        Map<String, Object> body = Applicants.valid();
        Registered r = Api.registerNew(body);

        withdrawWhileTheWorkerWaits(r, "email", JobKind.EMAIL_CODE);

        assertThat(Mailbox.to((String) body.get("email"))).as("mails to the withdrawn registrant").isEmpty();
        assertThat(Jobs.of(db, r.id(), "EMAIL_CODE").getString("state")).isEqualTo("CANCELLED");
    }

    @Test
    void noNikCheckIsSentForARegistrantWhoWithdrewWhileTheWorkerWaitedForItsSlot() throws Exception {
        Map<String, Object> body = Applicants.valid();
        Registered r = Api.registerNew(body);

        withdrawWhileTheWorkerWaits(r, "dukcapil", JobKind.NIK_CHECK);

        registry.verify(0, postRequestedFor(urlEqualTo(DukcapilStub.PATH))
                .withRequestBody(matchingJsonPath("$.nik", WireMock.equalTo((String) body.get("nik")))));
        assertThat(Jobs.of(db, r.id(), "NIK_CHECK").getString("state")).isEqualTo("CANCELLED");
    }

    @Test
    void aRegistrantWhoStaysIsStillServedAfterTheWait() throws Exception {
        Map<String, Object> body = Applicants.valid();
        Registered r = Api.registerNew(body);
        holdTheGate("dukcapil");

        worker.drain(JobKind.NIK_CHECK, Duration.ofSeconds(30), true);

        registry.verify(1, postRequestedFor(urlEqualTo(DukcapilStub.PATH))
                .withRequestBody(matchingJsonPath("$.nik", WireMock.equalTo((String) body.get("nik")))));
        Api.get(r).then().statusCode(200);
        assertThat(Jobs.of(db, r.id(), "NIK_CHECK").getString("state")).isEqualTo("DONE");
    }

    /**
     * Runs the worker of {@code kind} on its own thread with the gate's next slot {@link #SLOT_WAIT}
     * away; once it holds the registration's job (it has read the personal data and waits for the
     * slot), withdraws through the API, then lets the worker finish.
     */
    private void withdrawWhileTheWorkerWaits(Registered r, String gate, JobKind kind) throws Exception {
        holdTheGate(gate);
        CompletableFuture<JobWorker.Drained> drained = CompletableFuture.supplyAsync(
                () -> worker.drain(kind, Duration.ofSeconds(30), true));
        Instant deadline = Instant.now().plus(SLOT_WAIT);
        while (!"RUNNING".equals(Jobs.of(db, r.id(), kind.name()).getString("state"))) {
            assertThat(Instant.now()).as("the worker claimed the job").isBefore(deadline);
            Thread.sleep(20);
        }

        given().header("Authorization", "Bearer " + r.token()).delete("/v1/registrations/" + r.id()).then().statusCode(204);
        assertThat(drained).as("the withdrawal did not wait for the worker").isNotDone();

        assertThat(drained.get(30, TimeUnit.SECONDS).settled()).isEqualTo(1);
    }

    /** The gate's next slot is {@link #SLOT_WAIT} away: the next worker to reserve one waits that long. */
    private void holdTheGate(String gate) {
        db.execute("""
                INSERT INTO outbound_gate (name, next_slot, quota_day, used_today)
                VALUES ($1, now() + make_interval(secs => $2), (now() AT TIME ZONE 'Asia/Jakarta')::date, 0)
                ON CONFLICT (name) DO UPDATE SET next_slot = excluded.next_slot""", gate, (double) SLOT_WAIT.toSeconds());
    }
}
