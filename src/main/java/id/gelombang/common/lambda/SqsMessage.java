package id.gelombang.common.lambda;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One SQS message as Lambda's event source mapping hands it to a function (a record of the SQS
 * event). Only what the handlers use; the body may hold personal data (an email address in SES
 * feedback): never log it.
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record SqsMessage(String messageId, String body, Map<String, String> attributes) {

    /** How often SQS has handed this message out, this delivery included (1 the first time). */
    public int receiveCount() {
        String count = attributes == null ? null : attributes.get("ApproximateReceiveCount");
        return count == null ? 1 : Integer.parseInt(count);
    }

    @Override
    public String toString() {
        return "SqsMessage[" + messageId + "]";
    }
}
