package id.gelombang.common.audit;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import id.gelombang.testing.Api;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Operator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Every operator action leaves one entry: who, what, which wave, the fields it set; never changed afterwards. */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class OperatorAuditTest {

    /** The principal API Gateway's IAM authoriser puts into the event for a SigV4-signed call. */
    private static final String OPERATOR_ARN = "arn:aws:sts::123456789012:assumed-role/WaveOperator/duty-officer";

    private final ObjectMapper json = new ObjectMapper();

    @Inject
    Database db;

    @Test
    void everyActionIsRecordedOnceWithItsActorAndWhatItSet() throws Exception {
        String code = "A-" + UUID.randomUUID().toString().substring(0, 8);
        Instant opensAt = Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS);
        Instant closesAt = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        operator().body(Map.of("code", code, "opensAt", opensAt.toString(), "closesAt", closesAt.toString(), "quota", 2,
                "selection", "DRAW")).post("/v1/admin/waves").then().statusCode(201);
        operator().body(Map.of("quota", 1)).patch("/v1/admin/waves/" + code).then().statusCode(200);
        Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        // Closed through the gateway's IAM-authorised route: the event names the signing principal.
        JsonNode closed = invokeThroughGateway("POST", "/v1/admin/waves/" + code + "/close");
        assertThat(closed.get("statusCode").asInt()).as(closed.toString()).isEqualTo(200);
        String seed = operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(200).extract().path("seed");

        Response listed = operator().queryParam("waveCode", code).get("/v1/admin/audit");
        listed.then().statusCode(200).body("", hasSize(4))
                .body("action", equalTo(List.of("DRAW", "CLOSE_WAVE", "CHANGE_WAVE", "CREATE_WAVE")))
                .body("actor", equalTo(List.of("operator-key", OPERATOR_ARN, "operator-key", "operator-key")))
                .body("waveCode", equalTo(List.of(code, code, code, code)));
        JsonNode entries = json.readTree(listed.asString());
        JsonNode draw = entries.get(0).get("details");
        assertThat(draw.get("eligible").asInt()).isEqualTo(2);
        assertThat(draw.get("selected").asInt()).isEqualTo(1);
        assertThat(draw.has("drawCommitment")).isTrue();
        JsonNode close = entries.get(1).get("details");
        assertThat(Instant.parse(close.get("closesAt").asText())).isBefore(closesAt);
        assertThat(entries.get(2).get("details")).isEqualTo(json.readTree("{\"quota\": 1}"));
        JsonNode create = entries.get(3).get("details");
        assertThat(create.get("code").asText()).isEqualTo(code);
        assertThat(Instant.parse(create.get("opensAt").asText())).isEqualTo(opensAt);
        assertThat(Instant.parse(create.get("closesAt").asText())).isEqualTo(closesAt);
        assertThat(create.get("quota").asInt()).isEqualTo(2);
        assertThat(create.get("selection").asText()).isEqualTo("DRAW");
        assertThat(create.get("householdLimit").asInt()).isEqualTo(2);

        // Neither the seed nor anything about a registrant is in the trail.
        assertThat(db.count("SELECT count(*) FROM operator_audit WHERE CAST(details AS text) LIKE '%' || $1 || '%'", seed)).isZero();
        assertThat(listed.asString()).doesNotContain(seed).doesNotContain("@example.com").doesNotContain("317123");
    }

    @Test
    void theTrailCannotBeChangedOrDeleted() {
        String code = "A-" + UUID.randomUUID().toString().substring(0, 8);
        operator().body(Map.of("code", code, "opensAt", Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS).toString(),
                "closesAt", Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS).toString(), "quota", 5))
                .post("/v1/admin/waves").then().statusCode(201);
        long entries = db.count("SELECT count(*) FROM operator_audit");

        assertThatThrownBy(() -> db.execute("UPDATE operator_audit SET actor = 'someone-else' WHERE wave_code = $1", code))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> db.execute("DELETE FROM operator_audit WHERE wave_code = $1", code))
                .hasMessageContaining("append-only");
        assertThat(db.count("SELECT count(*) FROM operator_audit")).isEqualTo(entries);
        assertThat(db.count("SELECT count(*) FROM operator_audit WHERE wave_code = $1 AND actor = 'operator-key'", code)).isEqualTo(1);
    }

    @Test
    void listsNewestFirstWithinALimit() {
        for (int i = 0; i < 3; i++) {
            String code = "A-" + UUID.randomUUID().toString().substring(0, 8);
            operator().body(Map.of("code", code, "opensAt", Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS).toString(),
                    "closesAt", Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS).toString(), "quota", 5))
                    .post("/v1/admin/waves").then().statusCode(201);
        }
        List<Integer> ids = operator().queryParam("limit", 2).get("/v1/admin/audit").then().statusCode(200)
                .body("", hasSize(2)).extract().path("id");
        assertThat(ids.get(0)).isGreaterThan(ids.get(1));
        assertThat(operator().get("/v1/admin/audit").then().statusCode(200).extract().jsonPath().getList("").size())
                .isBetween(3, 100);

        for (String bad : List.of("0", "1001", "ten", "-5")) {
            operator().queryParam("limit", bad).get("/v1/admin/audit").then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", containsInAnyOrder("limit"));
        }
        given().get("/v1/admin/audit").then().statusCode(401).contentType("application/problem+json");
        given().header("X-Operator-Key", "wrong").get("/v1/admin/audit").then().statusCode(403);
    }

    /** Hands the Lambda handler an API Gateway v2 event as the IAM-authorised /v1/admin route delivers it. */
    private JsonNode invokeThroughGateway(String method, String path) throws Exception {
        ObjectNode event = json.createObjectNode();
        event.put("version", "2.0").put("routeKey", "ANY /v1/admin/{proxy+}").put("rawPath", path).put("rawQueryString", "");
        event.putObject("headers").put("x-operator-key", Operator.KEY);
        ObjectNode context = event.putObject("requestContext");
        context.put("stage", "$default").put("requestId", UUID.randomUUID().toString()).put("routeKey", "ANY /v1/admin/{proxy+}")
                .put("timeEpoch", System.currentTimeMillis());
        context.putObject("http").put("method", method).put("path", path).put("protocol", "HTTP/1.1")
                .put("sourceIp", "192.0.2.10").put("userAgent", "awscurl");
        context.putObject("authorizer").putObject("iam").put("accessKey", "ASIAEXAMPLEEXAMPLE").put("accountId", "123456789012")
                .put("callerId", "AROAEXAMPLE:duty-officer").put("userArn", OPERATOR_ARN).put("userId", "AROAEXAMPLE:duty-officer");
        event.put("isBase64Encoded", false);
        String answer = given().body(json.writeValueAsString(event)).post("/_lambda_").then().statusCode(200).extract().asString();
        return json.readTree(answer);
    }
}
