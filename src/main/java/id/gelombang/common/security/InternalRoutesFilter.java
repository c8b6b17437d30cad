package id.gelombang.common.security;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import id.gelombang.common.problem.ProblemType;

/**
 * /internal routes (job drains, retention runs) exist only in the worker functions, which are
 * invoked directly by schedules and events and have no gateway route. In the API function,
 * which the public reaches, they answer 404 as if they did not exist.
 */
public class InternalRoutesFilter {

    static final String INTERNAL_PATH = "/internal";

    private final boolean enabled;

    public InternalRoutesFilter(@ConfigProperty(name = "gelombang.internal-routes.enabled", defaultValue = "false") boolean enabled) {
        this.enabled = enabled;
    }

    @ServerRequestFilter(preMatching = true)
    public void hideUnlessEnabled(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!enabled && (path.equals(INTERNAL_PATH) || path.startsWith(INTERNAL_PATH + "/"))) {
            throw ProblemType.NOT_FOUND.exception("Not found.");
        }
    }
}
