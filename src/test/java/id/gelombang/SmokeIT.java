package id.gelombang;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
@WithTestResource(LocalBackendsResource.class)
class SmokeIT {
    @Test
    void wave() {
        given().get("/v1/waves/current").then().statusCode(200).body("code", equalTo("TEST-OPEN"));
    }
}
