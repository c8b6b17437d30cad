package id.gelombang.common.security;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "gelombang.admin")
public interface OperatorConfig {

    /**
     * The key operators send as {@code X-Operator-Key} (at least 32 characters; in AWS from
     * Secrets Manager). Without it the operator API refuses every call.
     */
    Optional<String> operatorKey();
}
