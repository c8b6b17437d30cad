package id.gelombang.common.observability;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.MDC;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import io.quarkus.vertx.http.runtime.QuarkusHttpHeaders;
import io.vertx.ext.web.Router;

/**
 * Puts the two ids of each invocation into the log context, so that every line logged while
 * serving it carries them: {@value #API_REQUEST_ID}, the HTTP API's request id (the same as in the
 * gateway's access log, also for scheduled and direct invocations, whose events carry one of
 * their own), and {@value #LAMBDA_REQUEST_ID}, Lambda's (as in its START/END/REPORT lines). Quarkus
 * keeps the log context per request (the request's Vert.x context), so it never leaks into the next.
 */
@ApplicationScoped
public class RequestIds {

    public static final String API_REQUEST_ID = "requestId";
    public static final String LAMBDA_REQUEST_ID = "lambdaRequestId";

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(routing -> {
            if (routing.request().headers() instanceof QuarkusHttpHeaders headers) {
                put(headers.getContextObjects());
            }
            routing.next();
        });
    }

    private static void put(Map<Class<?>, Object> invocation) {
        if (invocation.get(Context.class) instanceof Context lambda && lambda.getAwsRequestId() != null) {
            MDC.put(LAMBDA_REQUEST_ID, lambda.getAwsRequestId());
        }
        if (invocation.get(APIGatewayV2HTTPEvent.class) instanceof APIGatewayV2HTTPEvent event
                && event.getRequestContext() != null && event.getRequestContext().getRequestId() != null) {
            MDC.put(API_REQUEST_ID, event.getRequestContext().getRequestId());
        }
    }
}
