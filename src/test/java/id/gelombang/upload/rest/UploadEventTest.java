package id.gelombang.upload.rest;

import static id.gelombang.testing.Api.confirm;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.Funnel;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Photos;
import id.gelombang.testing.S3Upload;
import id.gelombang.testing.TestWaves;
import id.gelombang.upload.service.KtpUploadService;
import id.gelombang.upload.service.UploadConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The storage event for a new upload (S3 "Object Created", delivered to the upload worker) settles
 * the photo for registrants who upload and leave without confirming; confirm and event racing
 * each other end in one decision.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class UploadEventTest {

    @Inject
    S3Client s3;

    @Inject
    UploadConfig config;

    @Inject
    Database db;

    @Inject
    KtpUploadService uploads;

    @Test
    void anUploadNobodyConfirmsIsReceivedThroughItsEvent() {
        long before = Funnel.count(TestWaves.OPEN, "ktpReceived");
        Registered r = Api.registerNew();
        byte[] photo = Photos.jpeg(120_000);
        String key = upload(r, "image/jpeg", photo);

        objectCreated(key).then().statusCode(200).body("outcome", equalTo("RECEIVED"));

        Api.get(r).then().body("ktp.status", equalTo("RECEIVED"));
        assertThat(Funnel.count(TestWaves.OPEN, "ktpReceived")).isEqualTo(before + 1);
        String accepted = db.registration(r.id()).getString("ktp_object_key");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(config.bucket().orElseThrow()).key(accepted)).asByteArray()).isEqualTo(photo);
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(config.bucket().orElseThrow()).key(key))).isInstanceOf(NoSuchKeyException.class);
        // The registrant comes back later and confirms: same answer, nothing counted twice.
        confirm(r).then().statusCode(200).body("ktp.status", equalTo("RECEIVED"));
        assertThat(Funnel.count(TestWaves.OPEN, "ktpReceived")).isEqualTo(before + 1);
        objectCreated(key).then().statusCode(200).body("outcome", equalTo("IGNORED"));
    }

    @Test
    void aFileThatIsNotTheDeclaredImageIsRejectedThroughItsEvent() {
        Registered r = Api.registerNew();
        byte[] png = Photos.png(9_000);
        String key = upload(r, "image/jpeg", png);
        objectCreated(key).then().statusCode(200).body("outcome", equalTo("REJECTED"));
        Api.get(r).then().body("ktp.status", equalTo("REJECTED")).body("ktp.reason", equalTo("KTP_NOT_DECLARED_IMAGE_TYPE"));
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(config.bucket().orElseThrow()).key(key))).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void eventsForObjectsNobodyWaitsForChangeNothing() {
        long registrations = db.registrations();
        objectCreated(config.pendingPrefix() + UUID.randomUUID()).then().statusCode(200).body("outcome", equalTo("IGNORED"));
        objectCreated("ktp/" + UUID.randomUUID()).then().statusCode(200).body("outcome", equalTo("IGNORED"));
        given().contentType(ContentType.JSON).body(Map.of()).post("/internal/uploads/object-created")
                .then().statusCode(200).body("outcome", equalTo("IGNORED"));
        assertThat(db.registrations()).isEqualTo(registrations);
    }

    @Test
    void confirmAndEventRacingEachOtherReachOneDecision() throws Exception {
        long before = Funnel.count(TestWaves.OPEN, "ktpReceived");
        int registrants = 12;
        List<Registered> rs = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<byte[]> photos = new ArrayList<>();
        for (int i = 0; i < registrants; i++) {
            Registered r = Api.registerNew();
            byte[] photo = Photos.jpeg(50_000 + i);
            rs.add(r);
            photos.add(photo);
            keys.add(upload(r, "image/jpeg", photo));
        }
        // Straight to the service on separate threads and connections: the test's Lambda event path
        // hands requests to the application one at a time, as a Lambda instance does.
        var outcome = Concurrently.run(registrants * 2, registrants * 2, n -> {
            int i = n / 2;
            return n % 2 == 0
                    ? "confirm:" + await(() -> uploads.confirm(rs.get(i).id(), "Bearer " + rs.get(i).token())).status()
                    : "event:" + await(() -> uploads.objectArrived(keys.get(i))).map(c -> c.status().name()).orElse("IGNORED");
        });

        assertThat(outcome.maxInFlight()).as("confirms and events in flight together").isGreaterThan(registrants / 2);
        assertThat(outcome.results()).filteredOn(s -> s.startsWith("confirm:")).containsOnly("confirm:RECEIVED");
        assertThat(outcome.results()).filteredOn(s -> s.startsWith("event:")).allMatch(s -> s.equals("event:RECEIVED") || s.equals("event:IGNORED"));
        assertThat(Funnel.count(TestWaves.OPEN, "ktpReceived")).isEqualTo(before + registrants);
        for (int i = 0; i < registrants; i++) {
            Api.get(rs.get(i)).then().body("ktp.status", equalTo("RECEIVED"));
            String accepted = db.registration(rs.get(i).id()).getString("ktp_object_key");
            assertThat(s3.getObjectAsBytes(b -> b.bucket(config.bucket().orElseThrow()).key(accepted)).asByteArray()).isEqualTo(photos.get(i));
        }
    }

    private static <T> T await(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> call) {
        try {
            return VertxContextSupport.subscribeAndAwait(call);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static String upload(Registered r, String type, byte[] file) {
        return S3Upload.upload(r, type, file);
    }

    /** What the template's EventBridge input transformer sends the upload worker. */
    private static Response objectCreated(String key) {
        return given().contentType(ContentType.JSON).body(Map.of("key", key)).post("/internal/uploads/object-created");
    }
}
