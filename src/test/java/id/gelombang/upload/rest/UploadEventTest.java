package id.gelombang.upload.rest;

import static id.gelombang.testing.Api.confirm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.storage.UploadConfig;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.Funnel;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Photos;
import id.gelombang.testing.S3Upload;
import id.gelombang.testing.SqsEvents;
import id.gelombang.testing.SqsEvents.Message;
import id.gelombang.testing.TestWaves;
import id.gelombang.upload.service.KtpUploadService;
import id.gelombang.upload.service.UploadEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The storage event for a new upload (S3 "Object Created", queued in SQS and delivered to the
 * upload worker's SQS batch handler) settles the photo for registrants who upload and leave without
 * confirming; a message that fails is reported as a batch item failure while the rest of its batch
 * is done; confirm and event racing each other end in one decision.
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

    @Inject
    UploadEvents events;

    @Test
    void anUploadNobodyConfirmsIsReceivedThroughItsEvent() {
        long before = Funnel.count(TestWaves.OPEN, "ktpReceived");
        Registered r = Api.registerNew();
        byte[] photo = Photos.jpeg(120_000);
        String key = upload(r, "image/jpeg", photo);

        assertThat(SqsEvents.invoke(UploadEvents.class, List.of(objectCreated(key, photo.length)))).as("batch item failures").isEmpty();

        Api.get(r).then().body("ktp.status", equalTo("RECEIVED"));
        assertThat(Funnel.count(TestWaves.OPEN, "ktpReceived")).isEqualTo(before + 1);
        String accepted = db.registration(r.id()).getString("ktp_object_key");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket()).key(accepted)).asByteArray()).isEqualTo(photo);
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(bucket()).key(key))).isInstanceOf(NoSuchKeyException.class);
        // The registrant comes back later and confirms: same answer, nothing counted twice.
        confirm(r).then().statusCode(200).body("ktp.status", equalTo("RECEIVED"));
        assertThat(Funnel.count(TestWaves.OPEN, "ktpReceived")).isEqualTo(before + 1);
        // S3 delivers at least once: the same event again changes nothing.
        assertThat(settle(SqsEvents.objectCreated(bucket(), key, photo.length))).containsExactly("IGNORED");
    }

    @Test
    void aFileThatIsNotTheDeclaredImageIsRejectedThroughItsEvent() {
        Registered r = Api.registerNew();
        byte[] png = Photos.png(9_000);
        String key = upload(r, "image/jpeg", png);
        assertThat(settle(SqsEvents.objectCreated(bucket(), key, png.length))).containsExactly("REJECTED");
        Api.get(r).then().body("ktp.status", equalTo("REJECTED")).body("ktp.reason", equalTo("KTP_NOT_DECLARED_IMAGE_TYPE"));
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(bucket()).key(key))).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void eventsForObjectsNobodyWaitsForChangeNothing() {
        long registrations = db.registrations();
        assertThat(settle(SqsEvents.objectCreated(bucket(), config.pendingPrefix() + UUID.randomUUID(), 5_000))).containsExactly("IGNORED");
        assertThat(settle(SqsEvents.objectCreated(bucket(), "ktp/" + UUID.randomUUID(), 5_000))).containsExactly("IGNORED");
        // S3's test message when the notification is set up names no object.
        assertThat(settle(SqsEvents.s3TestEvent(bucket()))).isEmpty();
        assertThat(SqsEvents.invoke(UploadEvents.class, List.of(new Message(SqsEvents.s3TestEvent(bucket()))))).isEmpty();
        assertThat(db.registrations()).isEqualTo(registrations);
    }

    @Test
    void aFailingMessageIsReportedAsABatchItemFailureWhileTheOthersSucceed() throws Exception {
        List<Registered> rs = new ArrayList<>();
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Registered r = Api.registerNew();
            byte[] photo = Photos.jpeg(40_000 + i);
            rs.add(r);
            batch.add(objectCreated(upload(r, "image/jpeg", photo), photo.length));
        }
        Message notAnEvent = new Message("{\"Type\":\"something else\"}");
        batch.add(1, notAnEvent);
        // Another transaction holds the second registrant's row: its event waits out lock_timeout and fails.
        SqlConnection holder = db.pool().getConnection().await().atMost(Duration.ofSeconds(10));
        Transaction tx = holder.begin().await().atMost(Duration.ofSeconds(10));
        holder.preparedQuery("SELECT id FROM registration WHERE id = $1 FOR UPDATE").execute(Tuple.of(UUID.fromString(rs.get(1).id())))
                .await().atMost(Duration.ofSeconds(10));
        List<String> failed;
        try {
            failed = SqsEvents.invoke(UploadEvents.class, batch);
        } finally {
            tx.rollback().await().atMost(Duration.ofSeconds(10));
            holder.close().await().atMost(Duration.ofSeconds(10));
        }

        assertThat(failed).containsExactlyInAnyOrder(notAnEvent.messageId(), batch.get(2).messageId());
        Api.get(rs.get(0)).then().body("ktp.status", equalTo("RECEIVED"));
        Api.get(rs.get(1)).then().body("ktp.status", equalTo("PENDING_UPLOAD"));
        Api.get(rs.get(2)).then().body("ktp.status", equalTo("RECEIVED"));
        // SQS hands the failed ones out again: the held registrant's photo is settled then.
        assertThat(SqsEvents.invoke(UploadEvents.class, List.of(batch.get(2)))).isEmpty();
        Api.get(rs.get(1)).then().body("ktp.status", equalTo("RECEIVED"));
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

    private String bucket() {
        return config.bucket().orElseThrow();
    }

    private Message objectCreated(String key, long size) {
        return new Message(SqsEvents.objectCreated(bucket(), key, size));
    }

    /** One S3 notification through the upload worker's message handler; the outcome per object. */
    private List<String> settle(String notification) {
        try {
            return events.settle(notification);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
