package id.gelombang.wave.draw;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * In Lambda each function's pool holds one connection: the draw's list of ranks is written and
 * recorded as published without a second one.
 */
@QuarkusTest
@TestProfile(RanksFileOnOneConnectionTest.OneConnection.class)
@WithTestResource(LocalBackendsResource.class)
class RanksFileOnOneConnectionTest {

    public static class OneConnection implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.max-size", "1");
        }
    }

    @Test
    void theDrawsListIsPublishedByAFunctionWithOneConnection() {
        String code = "O-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> wave = new HashMap<>();
        wave.put("code", code);
        wave.put("opensAt", Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS).toString());
        wave.put("closesAt", Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS).toString());
        wave.put("quota", 1);
        wave.put("selection", "DRAW");
        wave.put("drawRequiresVerifiedNik", false);
        operator().body(wave).post("/v1/admin/waves").then().statusCode(201);
        Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        operator().post("/v1/admin/waves/" + code + "/close").then().statusCode(200);

        operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(200);

        List<String> lines = List.of(given().get("/v1/waves/" + code + "/draw/ranks").then().statusCode(200)
                .contentType("text/csv").extract().asString().split("\n"));
        assertThat(lines).hasSize(3).first().isEqualTo("id,rank,verdict");
    }
}
