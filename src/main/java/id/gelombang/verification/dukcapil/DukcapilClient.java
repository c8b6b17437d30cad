package id.gelombang.verification.dukcapil;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.registration.domain.NikRejection;
import id.gelombang.verification.VerificationConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;

/**
 * The civil registry's NIK verification API (contract in docs/dukcapil-api.md). One call per
 * check, bounded by the configured timeout. When calls keep failing the circuit opens and callers
 * get {@link CircuitOpen} at once, so a registry outage is not hammered by retries. Pacing and
 * quota are the caller's (OutboundGate); retries are the job queue's. Only outages open the circuit
 * (timeouts, 5xx, 429, our credential or address refused): one registrant's request refused
 * ({@link DukcapilRefused}) says nothing about the registry, and must not stop everyone's checks.
 * Unless every request is refused: past {@code breaker-refusals} refusals with no answer between
 * them (a change of format at the registry, say) a refusal is the registry's and counts as an
 * outage, so checks wait for it to be fixed instead of each ending NIK_NOT_CHECKABLE.
 *
 * The circuit is SmallRye Fault Tolerance's, built with the programmatic {@link TypedGuard} so its
 * threshold and open time come straight from {@link VerificationConfig.Dukcapil} (typed, with a
 * {@link Duration}) rather than from string keys naming this class and method. A failure ratio of
 * 1.0 over a window of {@code breaker-failures} calls means: that many failures in a row.
 */
@ApplicationScoped
public class DukcapilClient {

    static final String PATH = "/v1/nik-verifications";
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);
    /**
     * The 4xx answers that refuse one request for what it holds: retrying it elsewhere or later
     * would not help, and the registry itself is up. Every other 4xx (401 and 403 for our
     * credential, 404 and 405 for our address, 408, 415 for our format) says the same of every
     * request we send: an outage.
     */
    static final Set<Integer> REQUEST_REFUSED = Set.of(400, 409, 410, 413, 422);

    private final VerificationConfig.Dukcapil config;
    private final DukcapilCredential credential;
    private final ObjectMapper mapper;
    private final HttpClient http;
    private final TypedGuard<DukcapilAnswer> breaker;
    private final CircuitBreakerMaintenance circuits;
    /** When the open circuit lets a trial call through; null while closed or half-open. */
    private final AtomicReference<Instant> openUntil = new AtomicReference<>();
    /** Refusals since the registry last answered a check, across every job of this instance. */
    private final AtomicInteger refusalsSinceAnswer = new AtomicInteger();
    private final Clock clock;

    /** Name of the circuit in SmallRye's {@link CircuitBreakerMaintenance}. */
    static final String CIRCUIT = "dukcapil";

    /** The circuit is open: no call was made. */
    public static final class CircuitOpen extends RuntimeException {
        private final transient Instant until;

        CircuitOpen(Instant until) {
            super("dukcapil-circuit-open", null, false, false);
            this.until = until;
        }

        public Instant until() {
            return until;
        }
    }

    public DukcapilClient(VerificationConfig config, DukcapilCredential credential, ObjectMapper mapper, Clock clock,
            CircuitBreakerMaintenance circuits) {
        this.config = config.dukcapil();
        this.credential = credential;
        this.mapper = mapper;
        this.clock = clock;
        this.circuits = circuits;
        Duration openFor = this.config.breakerOpenFor();
        this.breaker = TypedGuard.create(DukcapilAnswer.class)
                .withDescription("Dukcapil NIK verification")
                .withCircuitBreaker()
                .name(CIRCUIT)
                .requestVolumeThreshold(this.config.breakerFailures())
                .failureRatio(1.0)
                .delay(openFor.toMillis(), java.time.temporal.ChronoUnit.MILLIS)
                .successThreshold(1)
                .failOn(DukcapilUnavailable.class)
                .skipOn(DukcapilRefused.class)
                .onStateChange(state -> openUntil.set(state == CircuitBreakerState.OPEN ? clock.instant().plus(openFor) : null))
                .done()
                .build();
        this.http = HttpClient.newBuilder()
                .connectTimeout(this.config.timeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public boolean configured() {
        return config.url().isPresent();
    }

    /**
     * @param requestId identifies the job attempt to the registry; carries no personal data
     * @throws CircuitOpen without calling, while the circuit is open
     * @throws DukcapilThrottled when the registry throttled us (an outage for the circuit)
     * @throws DukcapilUnavailable when the registry gave no usable answer (an outage for the circuit)
     * @throws DukcapilRefused when the registry refused this one request (not counted by the circuit)
     */
    public DukcapilAnswer check(NikCheckRequest check, String requestId) {
        try {
            return breaker.get(() -> call(check, requestId));
        } catch (CircuitBreakerOpenException e) {
            Instant until = openUntil.get();
            throw new CircuitOpen(until != null ? until : clock.instant().plus(config.breakerOpenFor()));
        }
    }

    /** While the circuit is open: when it will let a trial call through. */
    public Optional<Instant> circuitOpenUntil() {
        return Optional.ofNullable(openUntil.get()).filter(clock.instant()::isBefore);
    }

    /** Closes the circuit (tests, and an operator who knows the registry is back). */
    public void resetCircuit() {
        circuits.reset(CIRCUIT);
        openUntil.set(null);
        refusalsSinceAnswer.set(0);
    }

    /**
     * One check. A 401 for the credential in use means it was rotated: the secret is read again and
     * the check repeated once with the new value, as part of the same guarded call.
     */
    private DukcapilAnswer call(NikCheckRequest check, String requestId) {
        String used = credential.current();
        HttpResponse<byte[]> response = send(check, requestId, used);
        if (response.statusCode() == 401) {
            Optional<String> rotated = credential.refreshAfterRefusal(used);
            if (rotated.isPresent()) {
                response = send(check, requestId, rotated.get());
            }
        }
        try {
            DukcapilAnswer answer = answer(response);
            refusalsSinceAnswer.set(0);
            return answer;
        } catch (DukcapilRefused e) {
            if (refusalsSinceAnswer.incrementAndGet() > config.breakerRefusals()) {
                throw new DukcapilUnavailable("dukcapil-refusing-every-request");
            }
            throw e;
        }
    }

    private HttpResponse<byte[]> send(NikCheckRequest check, String requestId, String bearer) {
        URI base = config.url().orElseThrow(() -> new DukcapilUnavailable("dukcapil-not-configured"));
        try {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(PATH))
                    .timeout(config.timeout())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .header("Authorization", "Bearer " + bearer)
                    .header("X-Request-Id", requestId)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(check)))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new DukcapilUnavailable("dukcapil-timeout");
        } catch (IOException e) {
            throw new DukcapilUnavailable("dukcapil-connection");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DukcapilUnavailable("dukcapil-interrupted");
        }
    }

    private DukcapilAnswer answer(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 429) {
            throw new DukcapilThrottled(response.headers().firstValue("Retry-After")
                    .flatMap(DukcapilClient::seconds).orElse(DEFAULT_RETRY_AFTER));
        }
        if (REQUEST_REFUSED.contains(status)) {
            throw new DukcapilRefused("dukcapil-refused-" + status);
        }
        if (status != 200) {
            throw new DukcapilUnavailable("dukcapil-" + status);
        }
        String result;
        try {
            JsonNode body = mapper.readTree(response.body());
            result = body.path("result").asText("");
        } catch (IOException e) {
            throw new DukcapilUnavailable("dukcapil-unreadable-answer");
        }
        if ("MATCH".equals(result)) {
            return new DukcapilAnswer.Match();
        }
        NikRejection reason = switch (result) {
            case "MISMATCH" -> NikRejection.NIK_DATA_MISMATCH;
            case "NOT_FOUND" -> NikRejection.NIK_NOT_FOUND;
            case "INACTIVE" -> NikRejection.NIK_INACTIVE;
            default -> throw new DukcapilUnavailable("dukcapil-unknown-result");
        };
        return new DukcapilAnswer.NoMatch(reason);
    }

    private static Optional<Duration> seconds(String header) {
        try {
            long seconds = Long.parseLong(header.strip());
            return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
