package id.gelombang.common.security;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.TestWaves;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * With the edge configured (Edge=CloudFront), the public routes answer only what came through
 * CloudFront, which adds the origin secret: a call straight to the API's own endpoint (around the
 * WAF) is refused and changes nothing, whatever viewer address it claims. The operator API, which
 * operators call IAM-signed on the API's own endpoint, and the operations routes stay as they were.
 */
@QuarkusTest
@TestProfile(EdgeOriginTest.BehindTheEdge.class)
@WithTestResource(LocalBackendsResource.class)
class EdgeOriginTest {

    static final String SECRET = "edge-origin-secret-for-tests-only-0000000001";

    public static class BehindTheEdge implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gelombang.edge.origin-secret", SECRET);
        }
    }

    @Inject
    Database db;

    @Test
    void publicCallsWithoutTheOriginSecretAreRefusedAndChangeNothing() {
        long before = db.registrations();
        given().get("/v1/waves/current").then().statusCode(403).contentType("application/problem+json")
                .body("type", endsWith("/forbidden"));
        given().header(EdgeOrigin.SECRET_HEADER, "a-guess-at-the-secret-that-is-long-enough-000")
                .header(EdgeOrigin.VIEWER_ADDRESS_HEADER, "198.51.100.7:443").contentType(ContentType.JSON)
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(Applicants.valid())
                .post("/v1/registrations").then().statusCode(403).body("type", endsWith("/forbidden"));
        org.assertj.core.api.Assertions.assertThat(db.registrations()).isEqualTo(before);
    }

    @Test
    void callsThroughTheEdgeAreServed() {
        given().header(EdgeOrigin.SECRET_HEADER, SECRET).get("/v1/waves/current").then().statusCode(200);
        given().header(EdgeOrigin.SECRET_HEADER, SECRET).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(ContentType.JSON).body(Applicants.with(Applicants.valid(), "waveCode", TestWaves.OPEN))
                .post("/v1/registrations").then().statusCode(201);
    }

    @Test
    void theOperatorApiAndLivenessDoNotNeedTheEdge() {
        operator().get("/v1/admin/waves").then().statusCode(200);
        given().get("/v1/admin/waves").then().statusCode(401);
        given().get("/q/health/live").then().statusCode(200);
    }
}
