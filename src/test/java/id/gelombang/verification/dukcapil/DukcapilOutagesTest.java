package id.gelombang.verification.dukcapil;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;

import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Which of the registry's answers count as an outage for the circuit breaker that every NIK check
 * shares (five in a row open it in these tests): only outages do. One registrant's request refused
 * must not stop everyone's checks.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
@WithTestResource(DukcapilStub.class)
class DukcapilOutagesTest {

    private static final int BREAKER_FAILURES = 5;
    private static final NikCheckRequest CHECK = new NikCheckRequest("3171234501900001", "Siti Rahayu",
            LocalDate.of(1990, 1, 5), "F");

    @Inject
    DukcapilClient dukcapil;

    private final WireMockServer registry = DukcapilStub.server();

    @BeforeEach
    @AfterEach
    void closedCircuit() {
        registry.resetAll();
        dukcapil.resetCircuit();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 409, 410, 413, 422})
    void oneRequestRefusedIsNoOutage(int status) {
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(status)));

        for (int i = 0; i < BREAKER_FAILURES + 2; i++) {
            assertThatThrownBy(() -> dukcapil.check(CHECK, "job-1")).isInstanceOf(DukcapilRefused.class)
                    .hasMessage("dukcapil-refused-" + status);
        }

        assertThat(dukcapil.circuitOpenUntil()).isEmpty();
        registry.verify(BREAKER_FAILURES + 2, postRequestedFor(urlEqualTo(DukcapilStub.PATH)));
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 401, 403, 404, 408})
    void aRegistryThatFailsEveryRequestIsAnOutage(int status) {
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(status)));

        for (int i = 0; i < BREAKER_FAILURES; i++) {
            assertThatThrownBy(() -> dukcapil.check(CHECK, "job-1")).isInstanceOf(DukcapilUnavailable.class)
                    .isNotInstanceOf(DukcapilThrottled.class).hasMessage("dukcapil-" + status);
        }

        assertThat(dukcapil.circuitOpenUntil()).isPresent();
        assertThatThrownBy(() -> dukcapil.check(CHECK, "job-1-x")).isInstanceOf(DukcapilClient.CircuitOpen.class);
        registry.verify(BREAKER_FAILURES, postRequestedFor(urlEqualTo(DukcapilStub.PATH)));
    }

    @Test
    void aRegistryThatRefusesEveryRequestIsAnOutageOnceTheRefusalsRunOnWithoutAnAnswer() {
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(400)));

        for (int i = 0; i < DukcapilStub.BREAKER_REFUSALS; i++) {
            assertThatThrownBy(() -> dukcapil.check(CHECK, "job-1")).isInstanceOf(DukcapilRefused.class);
        }
        for (int i = 0; i < BREAKER_FAILURES; i++) {
            assertThatThrownBy(() -> dukcapil.check(CHECK, "job-1")).isInstanceOf(DukcapilUnavailable.class)
                    .hasMessage("dukcapil-refusing-every-request");
        }

        assertThat(dukcapil.circuitOpenUntil()).isPresent();
        assertThatThrownBy(() -> dukcapil.check(CHECK, "job-1-x")).isInstanceOf(DukcapilClient.CircuitOpen.class);
    }

    @Test
    void anAnswerBetweenRefusalsKeepsThemOneRequestsProblem() {
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(422)));
        for (int i = 0; i < DukcapilStub.BREAKER_REFUSALS; i++) {
            assertThatThrownBy(() -> dukcapil.check(CHECK, "job-1")).isInstanceOf(DukcapilRefused.class);
        }
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"result\": \"MATCH\"}")));
        assertThat(dukcapil.check(CHECK, "job-2")).isInstanceOf(DukcapilAnswer.Match.class);

        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(422)));
        for (int i = 0; i < DukcapilStub.BREAKER_REFUSALS; i++) {
            assertThatThrownBy(() -> dukcapil.check(CHECK, "job-3")).isInstanceOf(DukcapilRefused.class);
        }
        assertThat(dukcapil.circuitOpenUntil()).isEmpty();
    }

    @Test
    void throttlingIsAnOutageWithItsOwnWait() {
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));

        for (int i = 0; i < BREAKER_FAILURES; i++) {
            assertThatThrownBy(() -> dukcapil.check(CHECK, "job-1")).isInstanceOfSatisfying(DukcapilThrottled.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
        }

        assertThat(dukcapil.circuitOpenUntil()).isPresent();
    }
}
