package id.gelombang.verification.dukcapil;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.verification.domain.CircuitBreaker;
import id.gelombang.verification.service.VerificationConfig;

/**
 * The civil registry's NIK verification API (contract in docs/dukcapil-api.md). One call per
 * check, bounded by the configured timeout. When calls keep failing the circuit opens and callers
 * get {@link CircuitOpen} at once, so a registry outage is not hammered by retries. Pacing and
 * quota are the caller's (OutboundGate); retries are the job queue's.
 */
@ApplicationScoped
public class DukcapilClient {

    static final String PATH = "/v1/nik-verifications";
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);
    private static final Map<String, String> NO_MATCH_REASONS = Map.of(
            "MISMATCH", "NIK_DATA_MISMATCH",
            "NOT_FOUND", "NIK_NOT_FOUND",
            "INACTIVE", "NIK_INACTIVE");

    private final VerificationConfig.Dukcapil config;
    private final ObjectMapper mapper;
    private final HttpClient http;
    private final CircuitBreaker breaker;
    private final Clock clock;

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

    public DukcapilClient(VerificationConfig config, ObjectMapper mapper, Clock clock) {
        this.config = config.dukcapil();
        this.mapper = mapper;
        this.breaker = new CircuitBreaker(this.config.breakerFailures(), this.config.breakerOpenFor(), clock);
        this.clock = clock;
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
     * @throws DukcapilUnavailable when the registry gave no usable answer
     */
    public DukcapilAnswer check(NikCheckRequest check, String requestId) {
        if (!breaker.allowsCall()) {
            throw new CircuitOpen(breaker.openUntil().orElseGet(clock::instant));
        }
        try {
            DukcapilAnswer answer = call(check, requestId);
            breaker.succeeded();
            return answer;
        } catch (DukcapilUnavailable e) {
            breaker.failed();
            throw e;
        }
    }

    /** While the circuit is open: when it will let a trial call through. */
    public Optional<Instant> circuitOpenUntil() {
        return breaker.openUntil().filter(clock.instant()::isBefore);
    }

    /** Closes the circuit (tests, and an operator who knows the registry is back). */
    public void resetCircuit() {
        breaker.reset();
    }

    private DukcapilAnswer call(NikCheckRequest check, String requestId) {
        URI base = config.url().orElseThrow(() -> new DukcapilUnavailable("dukcapil-not-configured"));
        HttpResponse<byte[]> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(PATH))
                    .timeout(config.timeout())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .header("Authorization", "Bearer " + config.credential().orElse(""))
                    .header("X-Request-Id", requestId)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(check)))
                    .build();
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new DukcapilUnavailable("dukcapil-timeout");
        } catch (IOException e) {
            throw new DukcapilUnavailable("dukcapil-connection");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DukcapilUnavailable("dukcapil-interrupted");
        }
        return answer(response);
    }

    private DukcapilAnswer answer(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 429) {
            return new DukcapilAnswer.Throttled(response.headers().firstValue("Retry-After")
                    .flatMap(DukcapilClient::seconds).orElse(DEFAULT_RETRY_AFTER));
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
        String reason = NO_MATCH_REASONS.get(result);
        if (reason == null) {
            throw new DukcapilUnavailable("dukcapil-unknown-result");
        }
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
