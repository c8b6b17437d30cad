package id.gelombang.testing;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.amazon.lambda.runtime.MockHttpEventServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The Lambda extension's mock event server, with the gateway framing the answer itself: it sends
 * the whole body the function returned, so a Transfer-Encoding header from the function is dropped.
 * Quarkus's Lambda handler leaves that header in the response with an empty value where RESTEasy
 * chunked an answer (over its 8 KB output buffer); copied onto a whole body it leaves a client with
 * neither a length nor chunks, waiting for the end until its read timeout.
 */
final class GatewayEventServer extends MockHttpEventServer {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void processResponse(RoutingContext ctx, RoutingContext pending, Buffer buffer) {
        Buffer answer = buffer;
        try {
            JsonNode response = JSON.readTree(buffer.getBytes());
            if (response.get("headers") instanceof ObjectNode headers) {
                List<String> framing = new java.util.ArrayList<>();
                headers.fieldNames().forEachRemaining(name -> {
                    if ("transfer-encoding".equalsIgnoreCase(name)) {
                        framing.add(name);
                    }
                });
                if (!framing.isEmpty()) {
                    headers.remove(framing);
                    answer = Buffer.buffer(JSON.writeValueAsBytes(response));
                }
            }
        } catch (IOException e) {
            // not an API Gateway response: passed on as it came
        }
        super.processResponse(ctx, pending, answer);
    }
}
