package id.gelombang.common.crypto;

import io.smallrye.config.ConfigMapping;

/**
 * Secrets protecting personal data, each at least 32 random characters. In AWS they come from
 * Secrets Manager through the function's environment; there is no default outside dev and test.
 */
@ConfigMapping(prefix = "gelombang.crypto")
public interface CryptoConfig {

    /** AES-256-GCM key that encrypts personal data at rest. */
    String dataKey();

    /** HMAC-SHA256 key for lookup digests (NIK, family card, request fingerprints). */
    String lookupKey();
}
