package id.gelombang.verification.dukcapil;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.secrets.SecretsExtension;
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

    private final Optional<String> fixed;
    private final Optional<String> secretId;
    private final URI extension;
    private final SecretsExtension secrets;
    private volatile String current;

    public DukcapilCredential(VerificationConfig config, SecretsExtension secrets) {
        this.fixed = config.dukcapil().credential();
        this.secretId = config.dukcapil().credentialSecret();
        this.extension = config.dukcapil().secretsExtension();
        this.secrets = secrets;
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
        try {
            return secrets.read(extension, secretId.orElseThrow());
        } catch (SecretsExtension.Unreadable e) {
            // The reasons as the worker has always recorded them (dukcapil-credential-403, -empty, -unreachable).
            throw new DukcapilUnavailable("dukcapil-credential-" + e.getMessage().replace("status-", ""));
        }
    }
}
