package id.gelombang.testing;

import static io.restassured.RestAssured.given;

import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The calls of a registrant coming back later: an access code by email, then a new token for it. */
public final class Access {

    private Access() {
    }

    public static Response requestCode(String nik, String birthDate) {
        return given().contentType(ContentType.JSON).body(Map.of("nik", nik, "birthDate", birthDate))
                .post("/v1/registrations/access-codes");
    }

    public static Response requestCode(Map<String, Object> registered) {
        return requestCode((String) registered.get("nik"), (String) registered.get("birthDate"));
    }

    public static Response open(String nik, String birthDate, String code) {
        return given().contentType(ContentType.JSON).body(Map.of("nik", nik, "birthDate", birthDate, "code", code))
                .post("/v1/registrations/access");
    }

    public static Response open(Map<String, Object> registered, String code) {
        return open((String) registered.get("nik"), (String) registered.get("birthDate"), code);
    }
}
