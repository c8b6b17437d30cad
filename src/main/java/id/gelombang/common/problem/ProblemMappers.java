package id.gelombang.common.problem;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import id.gelombang.common.observability.Metrics;
import id.gelombang.common.problem.FieldErrors.FieldError;
import id.gelombang.common.web.AllowedMethods;

/** Turns every failure into problem+json; nothing else in the code builds error responses. */
public class ProblemMappers {

    /** Seconds a client should wait after a 503 before retrying. */
    static final String RETRY_AFTER_UNAVAILABLE = "5";

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final Metrics metrics;
    private final AllowedMethods allowedMethods;

    public ProblemMappers(Metrics metrics, AllowedMethods allowedMethods) {
        this.metrics = metrics;
        this.allowedMethods = allowedMethods;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        int status = e.problem().status();
        if (status == 429 || status == 503) {
            // the problem type's slug: too-many-attempts, too-many-requests, unavailable
            String type = e.problem().type();
            metrics.shed(type.startsWith(ProblemType.BASE_URI) ? type.substring(ProblemType.BASE_URI.length()) : "problem");
        }
        return ProblemResponses.of(e.problem(), e.headers());
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return validation(List.of(new FieldError(path(e), "unknown field")));
    }

    @ServerExceptionMapper
    public Response nullGiven(InvalidNullException e) {
        return validation(List.of(new FieldError(path(e), "must be left out rather than null")));
    }

    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e) {
        String field = path(e);
        if (field.isEmpty()) {
            return ProblemResponses.of(ProblemType.BAD_REQUEST.problem("The body must be a JSON object."));
        }
        return validation(List.of(new FieldError(field, "has the wrong JSON type")));
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        return ProblemResponses.of(ProblemType.BAD_REQUEST.problem("The body is not valid JSON."));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        ProblemType type = switch (status) {
            case 401 -> ProblemType.UNAUTHORIZED;
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            default -> status < 500 ? ProblemType.BAD_REQUEST : null;
        };
        if (type == null) {
            return unexpected(e);
        }
        Problem p = type.problem(null);
        Response.StatusType reason = Response.Status.fromStatusCode(status);
        String detail = reason == null ? "HTTP " + status : reason.getReasonPhrase();
        // RFC 9110: a 405 names the methods the resource does support (RESTEasy leaves them out).
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        if (allow == null && status == 405) {
            allow = String.join(", ", allowedMethods.at(uri.getPath()));
        }
        return ProblemResponses.of(new Problem(p.type(), p.title(), status, detail, null, null),
                allow == null ? Map.of() : Map.of(HttpHeaders.ALLOW, allow));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String shed = Faults.shedReason(e);
        if (shed != null) {
            LOG.warnf("Dependency unavailable, answering 503: %s", Faults.describe(e));
            metrics.shed(shed);
            if (Faults.isLockTimeout(e)) {
                metrics.lockTimeout();
            }
            return ProblemResponses.of(
                    ProblemType.UNAVAILABLE.problem("The service is busy or a dependency is unavailable. Try again shortly."),
                    Map.of("Retry-After", RETRY_AFTER_UNAVAILABLE));
        }
        LOG.errorf("Unhandled failure: %s", Faults.describe(e));
        return ProblemResponses.of(ProblemType.INTERNAL.problem("The request could not be completed."));
    }

    private static Response validation(List<FieldError> errors) {
        return ProblemResponses.of(ProblemType.VALIDATION.problem("The request has invalid fields.", errors));
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
