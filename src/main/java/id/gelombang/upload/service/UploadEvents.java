package id.gelombang.upload.service;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.lambda.SqsMessage;
import id.gelombang.common.lambda.SqsMessageHandler;
import id.gelombang.common.observability.Metrics;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.upload.service.KtpUploadService.Confirmation;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.vertx.VertxContextSupport;

/**
 * S3 "Object Created" notifications for the pending-upload prefix, which S3 sends to the upload
 * queue and Lambda hands to the upload worker in batches ({@link UploadEventsFunction}). Each
 * settles its upload exactly as ktp/confirm would, so a registrant who uploads and leaves still ends
 * RECEIVED or REJECTED. A failure (the database resuming or cut, a lock or S3 timeout) fails the
 * message, which SQS hands out again and, after the queue's last attempt, moves to the dead-letter
 * queue: an event is retried, never lost.
 */
// Looked up by the Lambda handler (SqsBatchFunction), not injected: Arc must keep it.
@Unremovable
@ApplicationScoped
public class UploadEvents implements SqsMessageHandler {

    private static final Logger LOG = Logger.getLogger(UploadEvents.class);
    private static final String TEST_EVENT = "s3:TestEvent";
    private static final String MISSING = ProblemType.KTP_MISSING.problem("").type();

    /** S3's event notification message; only what is read. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Notification(@JsonProperty("Records") List<EventRecord> records, @JsonProperty("Event") String event) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record EventRecord(String eventName, S3 s3) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record S3(S3Object object) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record S3Object(String key) {
    }

    private final KtpUploadService uploads;
    private final ObjectMapper json;
    private final Metrics metrics;

    public UploadEvents(KtpUploadService uploads, ObjectMapper json, Metrics metrics) {
        this.uploads = uploads;
        this.json = json;
        this.metrics = metrics;
    }

    @Override
    public void handle(SqsMessage message) throws JsonProcessingException {
        try {
            settle(message.body());
        } catch (RuntimeException | JsonProcessingException e) {
            // Each failed delivery counts: the dead-letter alarm sees only the last one.
            metrics.uploadEventFailed();
            throw e;
        }
    }

    /**
     * Settles the uploads one notification names; returns, per object, the KTP status it led to, or
     * IGNORED when nobody waits for the object (already decided, a newer upload URL issued since, or
     * withdrawn: the object is then deleted) or it is gone. S3's test message names none. A body that
     * is no S3 notification fails: it can only come from a misconfiguration, which the dead-letter
     * queue's alarm then shows.
     */
    public List<String> settle(String body) throws JsonProcessingException {
        Notification notification = json.readValue(body, Notification.class);
        if (TEST_EVENT.equals(notification.event())) {
            return List.of();
        }
        if (notification.records() == null) {
            throw new IllegalArgumentException("Not an S3 event notification");
        }
        List<String> outcomes = new ArrayList<>();
        for (EventRecord record : notification.records()) {
            if (record.eventName() != null && record.eventName().startsWith("ObjectCreated:") && record.s3() != null
                    && record.s3().object() != null && record.s3().object().key() != null) {
                // Keys arrive URL-encoded (a space as '+'), as in every S3 event notification.
                outcomes.add(objectCreated(URLDecoder.decode(record.s3().object().key(), StandardCharsets.UTF_8)));
            }
        }
        return outcomes;
    }

    private String objectCreated(String key) {
        Optional<Confirmation> result;
        try {
            result = VertxContextSupport.subscribeAndAwait(() -> uploads.objectArrived(key));
        } catch (ProblemException e) {
            if (MISSING.equals(e.problem().type())) {
                // Still awaited but gone (deleted before its event came): nothing to decide now; a
                // confirm answers "not uploaded" and the registrant uploads again.
                LOG.info("Upload event for an object that no longer exists; nothing to settle");
                return "IGNORED";
            }
            throw e;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        return result.map(c -> c.status().name()).orElse("IGNORED");
    }
}
