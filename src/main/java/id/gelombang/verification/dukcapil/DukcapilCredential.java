package id.gelombang.verification.dukcapil;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.verification.VerificationConfig;

/**
 * The organisation's Dukcapil credential. Fixed in configuration (local run, tests), or, in AWS,
 * the Secrets Manager secret named by {@code credential-secret}, read at first use through the
 * AWS Parameters and Secrets Lambda Extension (a layer AWS maintains: a local HTTP endpoint that
 * signs and caches Secrets Manager calls) and kept. When the registry refuses the kept value (a
 * rotation), {@link #refreshAfterRefusal} reads the secret again, so a rotated credential reaches
 * the worker without a template change or a deploy.
 */
@ApplicationScoped
public class DukcapilCredential {

    /** The extension's header: the function's own session token proves the caller runs in it. */
    static final String TOKEN_HEADER = "X-Aws-Parameters-Secrets-Token";

    private final Optional<String> fixed;
    private final Optional<String> secretId;
    private final URI extension;
    private final ObjectMapper mapper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile String current;

    public DukcapilCredential(VerificationConfig config, ObjectMapper mapper) {
        this.fixed = config.dukcapil().credential();
        this.secretId = config.dukcapil().credentialSecret();
        this.extension = config.dukcapil().secretsExtension();
        this.mapper = mapper;
    }

    /** The credential to send now. */
    public String current() {
        String value = current;
        if (value == null) {
            value = secretId.isPresent() ? read() : fixed.orElse("");
            current = value;
        }
        return value;
    }

    /**
     * After the registry refused {@code refused}: the secret's value now, or empty when it has not
     * changed (or comes from configuration), in which case the refusal stands.
     */
    public synchronized Optional<String> refreshAfterRefusal(String refused) {
        if (secretId.isEmpty()) {
            return Optional.empty();
        }
        if (!Objects.equals(current, refused)) {
            return Optional.of(current); // another call refreshed it meanwhile
        }
        String latest = read();
        current = latest;
        return latest.equals(refused) ? Optional.empty() : Optional.of(latest);
    }

    private String read() {
        URI uri = extension.resolve("/secretsmanager/get?secretId="
                + URLEncoder.encode(secretId.orElseThrow(), StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header(TOKEN_HEADER, Optional.ofNullable(System.getenv("AWS_SESSION_TOKEN")).orElse(""))
                .GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new DukcapilUnavailable("dukcapil-credential-" + response.statusCode());
            }
            String value = mapper.readTree(response.body()).path("SecretString").asText("");
            if (value.isEmpty()) {
                throw new DukcapilUnavailable("dukcapil-credential-empty");
            }
            return value;
        } catch (IOException e) {
            throw new DukcapilUnavailable("dukcapil-credential-unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DukcapilUnavailable("dukcapil-interrupted");
        }
    }
}
