package id.gelombang.testing;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The calls the public site makes, as a test client. */
public final class Api {

    public record Registered(String id, String token) {
    }

    private Api() {
    }

    public static Response register(String idempotencyKey, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", idempotencyKey).body(body)
                .post("/v1/registrations");
    }

    public static Registered registerNew(Map<String, Object> body) {
        Response response = register(UUID.randomUUID().toString(), body);
        response.then().statusCode(201);
        return new Registered(response.path("id"), response.path("registrationToken"));
    }

    public static Registered registerNew() {
        return registerNew(Applicants.valid());
    }

    public static Response get(Registered r) {
        return given().header("Authorization", "Bearer " + r.token()).get("/v1/registrations/" + r.id());
    }

    public static Response uploadUrl(Registered r, String contentType, long length, String checksum) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + r.token())
                .body(Map.of("contentType", contentType, "contentLength", length, "checksumSha256", checksum))
                .post("/v1/registrations/" + r.id() + "/ktp/upload-url");
    }

    public static Response confirm(Registered r) {
        return given().header("Authorization", "Bearer " + r.token()).post("/v1/registrations/" + r.id() + "/ktp/confirm");
    }
}
