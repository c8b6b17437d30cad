package id.gelombang.common.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A request with no body and no Content-Type (an operator's {@code curl -X POST .../draw}) is read as
 * JSON with nothing in it: a route whose body the document declares optional answers it instead of
 * 415. A request that has a body keeps its own Content-Type and is judged by it.
 */
public class BodilessRequests {

    @ServerRequestFilter(preMatching = true)
    public void noBodyIsNoMediaTypeProblem(ContainerRequestContext request) {
        if (request.getMediaType() == null && !hasBody(request)) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }

    private static boolean hasBody(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        return request.getHeaderString("Transfer-Encoding") != null || (length != null && !"0".equals(length.strip()));
    }
}
