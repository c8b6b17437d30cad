package id.gelombang.testing;

import static io.restassured.RestAssured.given;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import id.gelombang.common.crypto.OneTimeCodes;
import id.gelombang.testing.Api.Registered;
import io.restassured.http.ContentType;

/** A registration's first email code, as the email worker mails it and its registrant types it. */
public final class EmailCodes {

    private EmailCodes() {
    }

    /** The first code left the email queue at {@code at} (its life starts then). */
    public static void mailed(Database db, Registered registered, Instant at) {
        db.execute("UPDATE email_code SET sent_at = $2 WHERE registration_id = $1", UUID.fromString(registered.id()),
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
    }

    /** The registrant types the first code, mailed at {@code at}: the address is proved (200). */
    public static void proved(Database db, OneTimeCodes codes, Registered registered, Instant at) {
        mailed(db, registered, at);
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + registered.token())
                .body(Map.of("code", codes.code(UUID.fromString(registered.id()), 1)))
                .post("/v1/registrations/" + registered.id() + "/email/verify")
                .then().statusCode(200);
    }
}
