package id.gelombang.testing;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Calls as API Gateway delivers them to the function: an HTTP API v2 event handed to the Lambda
 * handler (the mock event server's raw entry), for what rest-assured cannot set, such as the
 * caller's address in requestContext.http.sourceIp.
 */
public final class GatewayEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The function's answer as API Gateway would turn it into an HTTP response. */
    public record Answer(int status, Map<String, String> headers, JsonNode body) {

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    private GatewayEvents() {
    }

    /** POST /v1/registrations from {@code sourceIp}, with these headers (Idempotency-Key among them). */
    public static Answer register(String sourceIp, Map<String, String> headers, Map<String, Object> body) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0").put("routeKey", "ANY /v1/{proxy+}").put("rawPath", "/v1/registrations").put("rawQueryString", "");
        ObjectNode eventHeaders = event.putObject("headers").put("content-type", "application/json");
        headers.forEach((name, value) -> eventHeaders.put(name.toLowerCase(java.util.Locale.ROOT), value));
        ObjectNode context = event.putObject("requestContext");
        context.put("stage", "$default").put("requestId", UUID.randomUUID().toString()).put("routeKey", "ANY /v1/{proxy+}")
                .put("timeEpoch", System.currentTimeMillis());
        context.putObject("http").put("method", "POST").put("path", "/v1/registrations").put("protocol", "HTTP/1.1")
                .put("sourceIp", sourceIp).put("userAgent", "test");
        try {
            event.put("body", JSON.writeValueAsString(body)).put("isBase64Encoded", false);
            JsonNode answer = JSON.readTree(given().body(JSON.writeValueAsString(event)).post("/_lambda_").then()
                    .statusCode(200).extract().asString());
            Map<String, String> answerHeaders = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            answer.path("headers").properties().forEach(h -> answerHeaders.put(h.getKey(), h.getValue().asText()));
            answer.path("multiValueHeaders").properties().forEach(h -> answerHeaders.putIfAbsent(h.getKey(), h.getValue().path(0).asText()));
            String text = answer.path("body").asText("");
            return new Answer(answer.get("statusCode").asInt(), answerHeaders, text.isEmpty() ? null : JSON.readTree(text));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #register(String, Map, Map)} with a new Idempotency-Key. */
    public static Answer register(String sourceIp, Map<String, Object> body) {
        return register(sourceIp, Map.of("Idempotency-Key", UUID.randomUUID().toString()), body);
    }
}
