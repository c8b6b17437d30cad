package id.gelombang.common.secrets;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a Secrets Manager secret at run time through the AWS Parameters and Secrets Lambda Extension
 * (a layer AWS maintains: a local HTTP endpoint that signs with the function's role and caches). A
 * secret read so never sits in the function's configuration, where anyone allowed
 * lambda:GetFunctionConfiguration could read it, and a rotated value needs no deploy.
 */
@ApplicationScoped
public class SecretsExtension {

    /** The extension's header: the function's own session token proves the caller runs in it. */
    static final String TOKEN_HEADER = "X-Aws-Parameters-Secrets-Token";

    /** The secret could not be read; {@link #getMessage()} names why, never the value. */
    public static final class Unreadable extends RuntimeException {
        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    private final ObjectMapper mapper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public SecretsExtension(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The secret's string value.
     *
     * @param extension the extension's endpoint (http://localhost:2773 in Lambda)
     * @throws Unreadable with a reason ("status-403", "empty", "unreachable", "interrupted")
     */
    public String read(URI extension, String secretId) {
        return read(extension, secretId, false);
    }

    /**
     * The secret's value; with {@code fresh} the extension asks Secrets Manager again instead of
     * answering from its cache (after a rotation the cached value is the old one).
     */
    public String read(URI extension, String secretId, boolean fresh) {
        URI uri = extension.resolve("/secretsmanager/get?secretId=" + URLEncoder.encode(secretId, StandardCharsets.UTF_8)
                + (fresh ? "&refreshNow=true" : ""));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header(TOKEN_HEADER, Optional.ofNullable(System.getenv("AWS_SESSION_TOKEN")).orElse(""))
                .GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new Unreadable("status-" + response.statusCode());
            }
            String value = mapper.readTree(response.body()).path("SecretString").asText("");
            if (value.isEmpty()) {
                throw new Unreadable("empty");
            }
            return value;
        } catch (IOException e) {
            throw new Unreadable("unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreadable("interrupted");
        }
    }
}
