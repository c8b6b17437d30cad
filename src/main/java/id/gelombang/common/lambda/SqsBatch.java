package id.gelombang.common.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An SQS batch through one handler, with partial batch failure reporting: the answer names the
 * messages that failed ({@code batchItemFailures}), so that the event source mapping, configured
 * with {@code FunctionResponseTypes: [ReportBatchItemFailures]}, deletes the others and only the
 * failed ones come back. A failure of one message never fails the invocation.
 */
// Looked up by the Lambda handler (SqsBatchFunction), not injected: Arc must keep it.
@Unremovable
@ApplicationScoped
public class SqsBatch {

    private static final Logger LOG = Logger.getLogger(SqsBatch.class);

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Event(@JsonProperty("Records") List<SqsMessage> records) {
    }

    @RegisterForReflection
    public record ItemFailure(String itemIdentifier) {
    }

    /** What the function answers: the ids of the messages to hand out again. */
    @RegisterForReflection
    public record Response(List<ItemFailure> batchItemFailures) {
    }

    private final ObjectMapper json;

    public SqsBatch(ObjectMapper json) {
        this.json = json;
    }

    /** Reads an SQS event, handles each message in turn and writes the batch response. */
    public void handle(InputStream event, OutputStream response, SqsMessageHandler handler) throws IOException {
        Event batch = json.readValue(event, Event.class);
        json.writeValue(response, handle(batch.records() == null ? List.of() : batch.records(), handler));
    }

    /**
     * One message after the other: each worker instance holds one database connection, so running
     * them side by side would only queue them on it.
     */
    public Response handle(List<SqsMessage> messages, SqsMessageHandler handler) {
        List<ItemFailure> failed = new ArrayList<>();
        for (SqsMessage message : messages) {
            try {
                handler.handle(message);
            } catch (Exception e) {
                // The class only: messages of the SDK or the database can quote what the message carried.
                LOG.warnf("SQS message %s failed on delivery %d (%s); it will be handed out again", message.messageId(),
                        message.receiveCount(), e.getClass().getName());
                failed.add(new ItemFailure(message.messageId()));
            }
        }
        LOG.infof("SQS batch: %d messages, %d failed", messages.size(), failed.size());
        return new Response(failed);
    }
}
