package id.gelombang.common.security;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * The optional edge in front of the HTTP API (CloudFront with AWS WAF, infra/template.yaml
 * {@code Edge=CloudFront}). CloudFront adds {@link EdgeOrigin#SECRET_HEADER} with this secret to
 * every request it forwards; with it configured, the public routes answer only requests that carry
 * it, and the caller's address is the viewer's (CloudFront-Viewer-Address), not CloudFront's.
 */
@ConfigMapping(prefix = "gelombang.edge")
public interface EdgeConfig {

    /** The secret CloudFront sends to the origin (at least 32 characters); without it there is no edge. */
    Optional<String> originSecret();
}
