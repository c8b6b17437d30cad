package id.gelombang.infra;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.testing.Api;
import id.gelombang.testing.Database;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Operator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The events infra/template.yaml has AWS deliver to the functions through the HTTP handler
 * (scheduler inputs, the warm-up call), taken verbatim from the template and handed to the Lambda
 * handler as raw invocations. (Upload events come from SQS to a handler of their own: UploadEventTest.)
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class TemplateEventsTest {

    private static final Pattern SINGLE_QUOTED_JSON = Pattern.compile("(?:Input|InputTemplate): (?:!Sub )?'(\\{.*\\})'");

    @Inject
    Database db;

    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void onlyThisTestsJobsAreDue() {
        Jobs.parkAllOpen(db);
    }

    @Test
    void theEmailWorkersScheduledEventDrainsEmailJobsInItsParallelLoops() throws IOException {
        Api.registerNew();
        String template = templateEvent("/internal/workers/EMAIL_CODE/drain");
        assertThat(template).as("the schedule passes EmailWorkerParallelism as the parallel input")
                .contains("\"parallel\":\"${EmailWorkerParallelism}\"");
        String event = template.replace("${EmailWorkerParallelism}", "3")
                .replace("seconds=55", "seconds=5").replace("\"seconds\":\"55\"", "\"seconds\":\"5\"");
        JsonNode body = invoke(event, 200);
        assertThat(body.get("kind").asText()).isEqualTo("EMAIL_CODE");
        assertThat(body.get("settled").asInt()).isEqualTo(1);
        assertThat(body.get("loops").asInt()).as("drain loops the handler ran").isEqualTo(3);
    }

    @Test
    void theNikWorkersScheduledEventRunsItsParallelLoops() throws IOException {
        String template = templateEvent("/internal/workers/NIK_CHECK/drain");
        assertThat(template).as("the schedule passes NikWorkerParallelism as the parallel input")
                .contains("\"parallel\":\"${NikWorkerParallelism}\"");
        String event = template.replace("${NikWorkerParallelism}", "3")
                .replace("seconds=55", "seconds=2").replace("\"seconds\":\"55\"", "\"seconds\":\"2\"");
        JsonNode body = invoke(event, 200);
        assertThat(body.get("kind").asText()).isEqualTo("NIK_CHECK");
        assertThat(body.get("loops").asInt()).as("drain loops the handler ran").isEqualTo(3);
    }

    @Test
    void theRetentionScheduleRunsTheRetentionJob() throws IOException {
        JsonNode body = invoke(templateEvent("/internal/retention/run"), 200);
        assertThat(body.get("complete").asBoolean()).isTrue();
    }

    @Test
    void theRanksScheduleWritesTheListsOfDrawsLeftBehind() throws IOException {
        String code = "R-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Operator.operator().body(java.util.Map.of("code", code, "opensAt", java.time.Instant.now().minusSeconds(60).toString(),
                "closesAt", java.time.Instant.now().plusSeconds(3600).toString(), "quota", 1, "selection", "DRAW",
                "drawRequiresVerifiedNik", false)).post("/v1/admin/waves").then().statusCode(201);
        Api.Registered leaving = Api.registerNew(id.gelombang.testing.Applicants.with(id.gelombang.testing.Applicants.valid(), "waveCode", code));
        Api.registerNew(id.gelombang.testing.Applicants.with(id.gelombang.testing.Applicants.valid(), "waveCode", code));
        Operator.operator().post("/v1/admin/waves/" + code + "/close").then().statusCode(200);
        Operator.operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(200);
        // A release after the draw leaves the published list behind.
        given().header("Authorization", "Bearer " + leaving.token()).delete("/v1/registrations/" + leaving.id()).then().statusCode(204);

        JsonNode body = invoke(templateEvent("/internal/draws/ranks"), 200);
        assertThat(body.get("waves")).extracting(JsonNode::asText).contains(code);
    }

    @Test
    void theWarmUpCallReachesReadiness() throws IOException {
        invoke(templateEvent("/q/health/ready"), 200);
    }

    /** Invokes the handler with a raw event; returns the HTTP body the gateway would send. */
    private JsonNode invoke(String event, int expectedStatus) throws IOException {
        String answer = given().body(event).post("/_lambda_").then().statusCode(200).extract().asString();
        JsonNode response = json.readTree(answer);
        assertThat(response.get("statusCode").asInt()).as(answer).isEqualTo(expectedStatus);
        String body = response.get("body").asText();
        return json.readTree(response.path("isBase64Encoded").asBoolean() ? new String(java.util.Base64.getDecoder().decode(body)) : body);
    }

    private static String templateEvent(String path) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("infra", "template.yaml"));
        for (String line : lines) {
            Matcher m = SINGLE_QUOTED_JSON.matcher(line.strip());
            if (m.matches() && m.group(1).contains("\"rawPath\":\"" + path + "\"")) {
                return m.group(1);
            }
        }
        throw new AssertionError("infra/template.yaml has no event for " + path);
    }
}
