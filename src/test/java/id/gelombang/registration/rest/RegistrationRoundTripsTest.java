package id.gelombang.registration.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Photos;
import id.gelombang.testing.TcpProxy;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * How many times a registration waits for PostgreSQL, counted on the wire between the application
 * and the database (the ReadyForQuery messages the server sends, one per round trip, BEGIN and
 * COMMIT included): one for a new registration, a refusal or a replay, two when the instance's copy
 * of the waves is out of date. Measured on a connection that has run the statement before (its
 * prepared form is cached per connection; the first use on a connection adds one Parse round trip).
 * The application has one connection, as each Lambda instance has, so the warm-up prepares it.
 * The upload URL, the registrant's next call in a wave's first minute, is one round trip too.
 */
@QuarkusTest
@TestProfile(RegistrationRoundTripsTest.OneConnection.class)
@WithTestResource(value = LocalBackendsResource.class,
        initArgs = @ResourceArg(name = LocalBackendsResource.DATABASE_ARG, value = "proxied"))
class RegistrationRoundTripsTest {

    public static class OneConnection implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.max-size", "1");
        }
    }

    @Inject
    Database db;

    record Counted(Response response, long roundTrips) {
    }

    @Test
    void aRegistrationARefusalAndAReplayAreEachOneRoundTrip() {
        // A warm instance: its connection has prepared the statement.
        for (int i = 0; i < 3; i++) {
            assertThat(Api.register(UUID.randomUUID().toString(), Applicants.valid()).statusCode()).isEqualTo(201);
        }
        String wave = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2099-01-01T00:00:00Z"), 1000);
        // The instance has not seen this wave yet: its statement answers STALE with the waves, then it registers.
        Counted learning = counted(() -> Api.register(UUID.randomUUID().toString(),
                Applicants.with(Applicants.valid(), "waveCode", wave)));
        assertThat(learning.response().statusCode()).isEqualTo(201);
        assertThat(learning.roundTrips()).as("round trips of the first registration in a wave new to the instance").isEqualTo(2);

        Map<String, Object> body = Applicants.with(Applicants.valid(), "waveCode", wave);
        String key = UUID.randomUUID().toString();
        Counted created = counted(() -> Api.register(key, body));
        assertThat(created.response().statusCode()).isEqualTo(201);
        assertThat(created.roundTrips()).as("round trips of a new registration").isEqualTo(1);

        Counted replay = counted(() -> Api.register(key, body));
        assertThat(replay.response().statusCode()).isEqualTo(201);
        assertThat(replay.response().header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.response().asString()).isEqualTo(created.response().asString());
        assertThat(replay.roundTrips()).as("round trips of a replay").isEqualTo(1);

        Counted duplicate = counted(() -> Api.register(UUID.randomUUID().toString(), body));
        assertThat(duplicate.response().statusCode()).isEqualTo(409);
        assertThat(duplicate.roundTrips()).as("round trips of a duplicate's refusal").isEqualTo(1);

        Counted invalid = counted(() -> Api.register(UUID.randomUUID().toString(), Applicants.with(body, "nik", "123")));
        assertThat(invalid.response().statusCode()).isEqualTo(400);
        assertThat(invalid.roundTrips()).as("round trips of an invalid request").isEqualTo(1);
    }

    @Test
    void anUploadUrlIsOneRoundTrip() {
        byte[] photo = Photos.jpeg(4_000);
        Api.Registered registrant = Api.registerNew();
        for (int i = 0; i < 3; i++) { // a warm instance, as above
            assertThat(Api.uploadUrl(Api.registerNew(), "image/jpeg", photo.length, Photos.sha256(photo)).statusCode()).isEqualTo(201);
        }
        Counted issued = counted(() -> Api.uploadUrl(registrant, "image/jpeg", photo.length, Photos.sha256(photo)));
        assertThat(issued.response().statusCode()).isEqualTo(201);
        assertThat(issued.roundTrips()).as("round trips of an upload URL").isEqualTo(1);
        Api.get(registrant).then().statusCode(200).body("ktp.status", equalTo("PENDING_UPLOAD"));
    }

    private static Counted counted(Supplier<Response> call) {
        TcpProxy database = LocalBackendsResource.databaseProxy();
        long before = database.roundTrips();
        Response response = call.get();
        return new Counted(response, database.roundTrips() - before);
    }
}
