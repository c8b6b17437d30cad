package id.gelombang.common.crypto;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Secrets protecting personal data, each at least 32 random characters. In AWS they come from
 * Secrets Manager through the environment of the functions that use them (API, email and NIK
 * workers); there is no default outside dev and test. A function without them starts, and fails
 * at the first use of personal data.
 */
@ConfigMapping(prefix = "gelombang.crypto")
public interface CryptoConfig {

    /** AES-256-GCM key that encrypts personal data at rest. */
    Optional<String> dataKey();

    /** HMAC-SHA256 key for lookup digests (NIK, family card, request fingerprints). */
    Optional<String> lookupKey();
}
