package id.gelombang.common.web;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** What HTTP itself promises, route by route: 405 names the methods, OPTIONS lists exactly them; integers are whole. */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class HttpSemanticsTest {

    @Test
    void anUndeclaredMethodIs405WithTheMethodsOfThatPathInAllow() {
        assertThat(allow(given().request("TRACE", "/v1/registrations"), 405)).containsExactly("OPTIONS", "POST");
        assertThat(allow(given().put("/v1/registrations/" + UUID.randomUUID()), 405)).containsExactly("DELETE", "GET", "HEAD", "OPTIONS");
        assertThat(allow(given().delete("/v1/waves/current"), 405)).containsExactly("GET", "HEAD", "OPTIONS");
        assertThat(allow(given().header("X-Operator-Key", "not-the-key").get("/v1/admin/waves/LOCAL-1/close"), 405))
                .containsExactly("OPTIONS", "POST");
        given().request("TRACE", "/v1/registrations").then().contentType("application/problem+json");
    }

    @Test
    void optionsNamesExactlyTheMethodsOfThePathNotOfItsWholeResourceClass() {
        assertThat(allow(given().options("/v1/registrations"), 204)).containsExactly("OPTIONS", "POST");
        assertThat(allow(given().options("/v1/registrations/" + UUID.randomUUID() + "/ktp/upload-url"), 204))
                .containsExactly("OPTIONS", "POST");
        assertThat(allow(given().options("/v1/admin/waves/W-1"), 204)).containsExactly("GET", "HEAD", "OPTIONS", "PATCH");
        given().options("/v1/no-such-route").then().statusCode(404);
    }

    @Test
    void aLiteralPathIsItsOwnRouteNotAlsoTheTemplateBesideIt() {
        // /v1/registrations/{id} (GET, DELETE) matches these paths too, but JAX-RS routes them to their literal routes only.
        assertThat(allow(given().options("/v1/registrations/access"), 204)).containsExactly("OPTIONS", "POST");
        assertThat(allow(given().options("/v1/registrations/access-codes"), 204)).containsExactly("OPTIONS", "POST");
        assertThat(allow(given().put("/v1/registrations/access-codes"), 405)).containsExactly("OPTIONS", "POST");
        assertThat(allow(given().get("/v1/registrations/access"), 405)).containsExactly("OPTIONS", "POST");
        assertThat(allow(given().delete("/v1/registrations/access-codes"), 405)).containsExactly("OPTIONS", "POST");
        assertThat(allow(given().options("/v1/registrations/" + UUID.randomUUID()), 204)).containsExactly("DELETE", "GET", "HEAD", "OPTIONS");
    }

    /** The methods in Allow, however many field lines carry them (RFC 9110 5.3). */
    private static List<String> allow(Response response, int status) {
        response.then().statusCode(status);
        return response.headers().getValues("Allow").stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::strip)
                .toList();
    }

    @Test
    void anIntegerFieldTakesAWholeNumberHoweverWrittenAndRefusesAFraction() {
        Instant opens = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String code = "WHOLE-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"code\":\"%s\",\"opensAt\":\"%s\",\"closesAt\":\"%s\",\"quota\":%s}";
        operator().body(body.formatted(code, opens, opens.plus(1, ChronoUnit.DAYS), "12.5")).post("/v1/admin/waves")
                .then().statusCode(400).body("errors.field", hasItem("quota"));
        operator().get("/v1/admin/waves/" + code).then().statusCode(404);
        operator().body(body.formatted(code, opens, opens.plus(1, ChronoUnit.DAYS), "1.2e1")).post("/v1/admin/waves")
                .then().statusCode(201).body("quota", equalTo(12));
    }
}
