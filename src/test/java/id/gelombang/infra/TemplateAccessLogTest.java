package id.gelombang.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import id.gelombang.access.rest.AccessResource;
import id.gelombang.registration.rest.RegistrationResource;
import id.gelombang.upload.rest.KtpResource;
import id.gelombang.verification.rest.EmailVerificationResource;

/**
 * The HTTP API's access log, kept as long as the functions' logs, holds no personal data (the log
 * group's own description says so): no caller address or other identity of the caller, and no path
 * (a registration's id in it is the key to a person's record), while it still tells operators which
 * call it was (the route's template), how it ended and how long it took, gateway refusals included.
 */
class TemplateAccessLogTest {

    /** Variables of an HTTP API access log that say nothing about who called or whose record it was. */
    private static final Set<String> WITHOUT_PERSONAL_DATA = Set.of("$context.requestId", "$context.requestTime",
            "$context.requestTimeEpoch", "$context.httpMethod", "$context.routeKey", "$context.status", "$context.protocol",
            "$context.responseLatency", "$context.responseLength", "$context.integrationLatency", "$context.integrationStatus",
            "$context.integrationErrorMessage", "$context.error.message", "$context.error.messageString",
            "$context.error.responseType", "$context.stage", "$context.apiId");

    /** The contract's calls whose path carries a registration's id, as the function's resources define them. */
    private static final List<String> CALLS_ABOUT_A_REGISTRATION = List.of(
            "GET /v1/registrations/{id}", "DELETE /v1/registrations/{id}",
            "POST /v1/registrations/{id}/ktp/upload-url", "POST /v1/registrations/{id}/ktp/confirm",
            "PUT /v1/registrations/{id}/email", "POST /v1/registrations/{id}/email/verify",
            "POST /v1/registrations/{id}/email/resend");

    private static JsonNode resources;

    @BeforeAll
    static void readTemplate() throws IOException {
        resources = new ObjectMapper(new YAMLFactory()).readTree(Path.of("infra", "template.yaml").toFile()).get("Resources");
    }

    @Test
    void theAccessLogNamesTheRouteAndTheOutcomeButNeitherTheCallerNorThePath() throws IOException {
        String format = resources.at("/Api/Properties/AccessLogSettings/Format").asText();
        JsonNode fields = new ObjectMapper().readTree(format);
        Set<String> variables = new TreeSet<>();
        Matcher variable = Pattern.compile("\\$context\\.[A-Za-z.]+").matcher(format);
        while (variable.find()) {
            variables.add(variable.group());
        }

        assertThat(variables).as("what each line logs").isSubsetOf(WITHOUT_PERSONAL_DATA)
                .doesNotContain("$context.identity.sourceIp", "$context.path")
                .contains("$context.routeKey", "$context.status", "$context.requestId", "$context.responseLatency",
                        "$context.integrationErrorMessage", "$context.error.message");
        assertThat(format).doesNotContain("identity", "$context.path", "authorizer", "$input", "$request");
        assertThat(fields.isObject()).as("one JSON object per line").isTrue();
        assertThat(resources.at("/ApiAccessLogs/Properties/RetentionInDays").toString()).contains("LogRetentionInDays");
    }

    /**
     * With only the catch-all route, every line would log the same route key; each call about a
     * registration has a route of its own, so its line names the call by its template, not the id.
     */
    @Test
    void everyCallAboutARegistrationHasARouteOfItsOwn() {
        List<String> routes = new ArrayList<>();
        resources.at("/ApiFunction/Properties/Events").fields().forEachRemaining(event -> {
            JsonNode properties = event.getValue().path("Properties");
            if ("HttpApi".equals(event.getValue().path("Type").asText())) {
                routes.add(properties.path("Method").asText() + " " + properties.path("Path").asText());
            }
        });
        assertThat(routes).containsAll(CALLS_ABOUT_A_REGISTRATION).contains("ANY /v1/{proxy+}", "ANY /v1/admin/{proxy+}");
        assertThat(callsWithAnId()).as("the resources' calls with a registration id").containsExactlyInAnyOrderElementsOf(
                CALLS_ABOUT_A_REGISTRATION);
    }

    /** Method and path template of every resource method of the public registration API whose path has {id}. */
    private static List<String> callsWithAnId() {
        List<String> calls = new ArrayList<>();
        for (Class<?> resource : List.of(RegistrationResource.class, KtpResource.class, EmailVerificationResource.class,
                AccessResource.class)) {
            String base = resource.getAnnotation(jakarta.ws.rs.Path.class).value();
            for (Method method : resource.getDeclaredMethods()) {
                String verb = Arrays.stream(method.getAnnotations())
                        .map(a -> a.annotationType().getAnnotation(jakarta.ws.rs.HttpMethod.class))
                        .filter(Objects::nonNull).map(jakarta.ws.rs.HttpMethod::value).findFirst().orElse(null);
                if (verb == null) {
                    continue;
                }
                jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                String path = (base + (sub == null ? "" : (sub.value().startsWith("/") ? "" : "/") + sub.value()))
                        .replaceAll("/+$", "");
                if (path.contains("{id}")) {
                    calls.add(verb + " " + path);
                }
            }
        }
        return calls;
    }
}
