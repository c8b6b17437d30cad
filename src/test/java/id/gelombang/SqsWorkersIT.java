package id.gelombang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.crypto.CryptoConfig;
import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.local.LocalBackends;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.PackagedFunction;
import id.gelombang.testing.Photos;
import id.gelombang.testing.S3Upload;
import id.gelombang.testing.Sql;
import id.gelombang.testing.SqsEvents;
import id.gelombang.testing.SqsEvents.Message;

/**
 * The SQS-fed workers as Lambda runs them: target/function.zip under AWS's runtime interface
 * client with the handler the template names for them (a class that implements no Lambda
 * interface, beside the HTTP handler in the same artifact), invoked with Lambda's SQS event and
 * answering with the batch item failures.
 */
class SqsWorkersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static PackagedFunction.Instance uploadWorker;
    private static PackagedFunction.Instance feedbackWorker;

    @BeforeAll
    static void startFunctions() {
        PackagedFunction.start();
        // With the keys their template environment gives them: none for the upload worker, the
        // lookup key alone for the feedback worker (an empty setting is no setting).
        uploadWorker = PackagedFunction.launchHandler("upload-worker", "id.gelombang.upload.service.UploadEventsFunction::handleRequest",
                Map.of("gelombang.crypto.data-key", "", "gelombang.crypto.lookup-key", ""));
        feedbackWorker = PackagedFunction.launchHandler("feedback-worker", "id.gelombang.verification.service.EmailFeedbackFunction::handleRequest",
                Map.of("gelombang.crypto.data-key", ""));
    }

    @AfterAll
    static void stopWorkers() {
        for (PackagedFunction.Instance worker : new PackagedFunction.Instance[] {uploadWorker, feedbackWorker}) {
            if (worker != null) {
                worker.kill();
            }
        }
    }

    @Test
    void theUploadWorkerSettlesItsBatchAndReportsOnlyTheFailedMessage() throws IOException {
        Registered r = Api.registerNew();
        byte[] photo = Photos.jpeg(70_000);
        String key = S3Upload.upload(r, "image/jpeg", photo);
        Message upload = new Message(SqsEvents.objectCreated(LocalBackends.BUCKET, key, photo.length));
        Message notAnEvent = new Message("{\"unexpected\":true}");

        JsonNode answer = JSON.readTree(uploadWorker.invoke(SqsEvents.event(List.of(upload, notAnEvent))));

        assertThat(answer.get("batchItemFailures").findValuesAsText("itemIdentifier")).containsExactly(notAnEvent.messageId());
        Api.get(r).then().statusCode(200).body("ktp.status", equalTo("RECEIVED"));
    }

    @Test
    void theFeedbackWorkerMarksTheBouncedAddress() throws IOException {
        String address = "it" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", address));
        // What the email worker records before it mails (no email worker runs here).
        Sql.query("UPDATE registration SET email_digest = $1 WHERE id = $2",
                io.vertx.core.buffer.Buffer.buffer(lookupDigest(address)), UUID.fromString(r.id()));

        JsonNode answer = JSON.readTree(feedbackWorker.invoke(SqsEvents.event(List.of(
                new Message(SqsEvents.sesBounce(address, "Permanent")), new Message(SqsEvents.sesDelivery(address))))));

        assertThat(answer.get("batchItemFailures")).isEmpty();
        Api.get(r).then().statusCode(200).body("email.deliverable", equalTo(false));
    }

    /** The digest the functions compute, with the tests' lookup key. */
    private static byte[] lookupDigest(String address) {
        String key = PackagedFunction.overrides(Map.of()).get("gelombang.crypto.lookup-key");
        return new PersonalDataProtection(new CryptoConfig() {
            @Override
            public Optional<String> dataKey() {
                return Optional.empty();
            }

            @Override
            public Optional<String> lookupKey() {
                return Optional.of(key);
            }
        }).lookupDigest("email", address);
    }
}
