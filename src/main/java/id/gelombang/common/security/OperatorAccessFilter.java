package id.gelombang.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import id.gelombang.common.crypto.Digests;
import id.gelombang.common.problem.ProblemType;

/**
 * Guards the operator API (/v1/admin). In AWS the gateway already demands IAM-signed calls on
 * that route; this check stands behind it, so a public client holding a registration token, or
 * a misconfigured route, still gets nothing: 401 without an operator key, 403 with a wrong one.
 */
public class OperatorAccessFilter {

    public static final String HEADER = "X-Operator-Key";
    static final String ADMIN_PATH = "/v1/admin";

    private final byte[] keyDigest;

    public OperatorAccessFilter(OperatorConfig config) {
        this.keyDigest = config.operatorKey()
                .filter(key -> key.strip().length() >= 32)
                .map(key -> Digests.sha256(key.strip()))
                .orElse(null);
    }

    @ServerRequestFilter
    public void requireOperator(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.equals(ADMIN_PATH) && !path.startsWith(ADMIN_PATH + "/")) {
            return;
        }
        String presented = request.getHeaderString(HEADER);
        if (presented == null || presented.isBlank()) {
            throw ProblemType.UNAUTHORIZED.exception("The operator API needs the " + HEADER + " header.");
        }
        byte[] presentedDigest = Digests.sha256(presented.strip().getBytes(StandardCharsets.UTF_8));
        if (keyDigest == null || !MessageDigest.isEqual(keyDigest, presentedDigest)) {
            throw ProblemType.FORBIDDEN.exception("This key does not grant operator access.");
        }
    }
}
