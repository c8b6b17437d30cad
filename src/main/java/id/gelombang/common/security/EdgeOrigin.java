package id.gelombang.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import id.gelombang.common.crypto.Digests;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.common.web.SourceAddress;

/**
 * Where a request comes from, and whether it came through the edge. API Gateway puts the caller's
 * address in {@code requestContext.http.sourceIp}; behind CloudFront that is CloudFront's, and the
 * viewer's is in CloudFront's {@code CloudFront-Viewer-Address} header, which anyone can also send
 * straight to the API's own endpoint. So the header is believed only when the request carries the
 * origin secret CloudFront adds, and with the edge configured the public routes refuse requests
 * without it (403): nobody can go around the WAF's rules, or claim someone else's address.
 */
@ApplicationScoped
public class EdgeOrigin {

    /** The header CloudFront adds to every origin request (a custom origin header in the template). */
    public static final String SECRET_HEADER = "X-Gelombang-Edge";
    public static final String VIEWER_ADDRESS_HEADER = "CloudFront-Viewer-Address";
    /** Public routes: the operator API (IAM-signed calls to the API's own endpoint) and the operations routes are not. */
    static final String PUBLIC_PATH = "/v1/";
    static final String ADMIN_PATH = "/v1/admin";

    private final byte[] secretDigest;

    public EdgeOrigin(EdgeConfig config) {
        this.secretDigest = config.originSecret()
                .filter(secret -> secret.strip().length() >= 32)
                .map(secret -> Digests.sha256(secret.strip()))
                .orElse(null);
    }

    /** Whether the application runs behind the edge. */
    public boolean configured() {
        return secretDigest != null;
    }

    @ServerRequestFilter(preMatching = true)
    public void publicRoutesOnlyThroughTheEdge(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (configured() && path.startsWith(PUBLIC_PATH) && !path.equals(ADMIN_PATH) && !path.startsWith(ADMIN_PATH + "/")
                && !fromEdge(request.getHeaderString(SECRET_HEADER))) {
            throw ProblemType.FORBIDDEN.exception("Call the API at the programme's public address.");
        }
    }

    /**
     * The caller's source key (SourceAddress): the viewer's address when the request came through
     * the edge, else the address API Gateway saw; empty when neither is an IP address (a direct
     * invocation, a test).
     */
    public Optional<String> sourceOf(APIGatewayV2HTTPEvent event) {
        if (event == null) {
            return Optional.empty();
        }
        if (configured() && event.getHeaders() != null && fromEdge(header(event, SECRET_HEADER))) {
            return SourceAddress.fromViewerAddress(header(event, VIEWER_ADDRESS_HEADER));
        }
        if (event.getRequestContext() == null || event.getRequestContext().getHttp() == null) {
            return Optional.empty();
        }
        return SourceAddress.key(event.getRequestContext().getHttp().getSourceIp());
    }

    private boolean fromEdge(String presented) {
        return secretDigest != null && presented != null
                && MessageDigest.isEqual(secretDigest, Digests.sha256(presented.strip().getBytes(StandardCharsets.UTF_8)));
    }

    /** API Gateway v2 sends header names in lower case; a hand-made event may not. */
    private static String header(APIGatewayV2HTTPEvent event, String name) {
        if (event.getHeaders() == null) {
            return null;
        }
        String value = event.getHeaders().get(name.toLowerCase(java.util.Locale.ROOT));
        if (value != null) {
            return value;
        }
        return event.getHeaders().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(java.util.Map.Entry::getValue).findFirst().orElse(null);
    }
}
