package id.gelombang.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Calls to the operator API with the test operator key. */
public final class Operator {

    public static final String KEY = "test-operator-key-never-use-in-production-0001";

    private Operator() {
    }

    public static RequestSpecification operator() {
        return given().header("X-Operator-Key", KEY).contentType(ContentType.JSON);
    }
}
