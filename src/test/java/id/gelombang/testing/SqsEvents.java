package id.gelombang.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.lambda.SqsBatch;
import id.gelombang.common.lambda.SqsMessageHandler;
import id.gelombang.common.local.LocalBackends;
import io.quarkus.arc.Arc;

/**
 * The events AWS delivers to the SQS-fed workers, shaped as AWS documents them: Lambda's SQS event
 * (a batch of records), with S3 event notifications and SES event-publishing records as the bodies.
 * Also a stand-in for the event source mapping's redelivery: failed messages come back with their
 * receive count raised, up to the queue's maxReceiveCount.
 */
public final class SqsEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One message as the queue holds it. */
    public record Message(String messageId, String body, int receiveCount) {

        public Message(String body) {
            this(UUID.randomUUID().toString(), body, 1);
        }

        /** The same message handed out once more. */
        public Message again() {
            return new Message(messageId, body, receiveCount + 1);
        }
    }

    private SqsEvents() {
    }

    /** Lambda's SQS event for these messages (the record fields of AWS's sample event). */
    public static String event(List<Message> messages) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("messageId", m.messageId());
            record.put("receiptHandle", "AQEB" + UUID.randomUUID());
            record.put("body", m.body());
            record.put("attributes", Map.of(
                    "ApproximateReceiveCount", Integer.toString(m.receiveCount()),
                    "SentTimestamp", Long.toString(System.currentTimeMillis()),
                    "SenderId", "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp", Long.toString(System.currentTimeMillis())));
            record.put("messageAttributes", Map.of());
            record.put("md5OfBody", "e4e68fb7bd0e697a0ae8f1bb342846b3");
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", "arn:aws:sqs:" + LocalBackends.REGION + ":123456789012:gelombang-queue");
            record.put("awsRegion", LocalBackends.REGION);
            records.add(record);
        }
        return write(Map.of("Records", records));
    }

    /** An S3 "ObjectCreated:Put" event notification for one object, as S3 sends it to a queue (the key URL-encoded). */
    public static String objectCreated(String bucket, String key, long size) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"));
        object.put("size", size);
        object.put("eTag", "0123456789abcdef0123456789abcdef");
        object.put("sequencer", "0A1B2C3D4E5F678901");
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("awsRegion", LocalBackends.REGION);
        record.put("eventTime", "2026-04-11T08:00:01.000Z");
        record.put("eventName", "ObjectCreated:Put");
        record.put("userIdentity", Map.of("principalId", "AWS:AROAEXAMPLE:gelombang-api"));
        record.put("requestParameters", Map.of("sourceIPAddress", "203.0.113.7"));
        record.put("responseElements", Map.of("x-amz-request-id", "C3D13FE58DE4C810", "x-amz-id-2", "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"));
        record.put("s3", Map.of("s3SchemaVersion", "1.0", "configurationId", "upload-events",
                "bucket", Map.of("name", bucket, "ownerIdentity", Map.of("principalId", "A3NL1KOZZKExample"),
                        "arn", "arn:aws:s3:::" + bucket),
                "object", object));
        return write(Map.of("Records", List.of(record)));
    }

    /** The message S3 sends to a queue when a notification configuration is set. */
    public static String s3TestEvent(String bucket) {
        return write(Map.of("Service", "Amazon S3", "Event", "s3:TestEvent", "Time", "2026-04-11T08:00:00.000Z",
                "Bucket", bucket, "RequestId", "5582815E1AEA5ADF", "HostId", "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"));
    }

    /** An SES event-publishing record of a bounce ({@code Permanent} or {@code Transient}) of mail to this address. */
    public static String sesBounce(String address, String bounceType) {
        Map<String, Object> bounce = new LinkedHashMap<>();
        bounce.put("feedbackId", "0100017d-bounce");
        bounce.put("bounceType", bounceType);
        bounce.put("bounceSubType", "Permanent".equals(bounceType) ? "General" : "MailboxFull");
        bounce.put("bouncedRecipients", List.of(Map.of("emailAddress", address, "action", "failed", "status", "5.1.1",
                "diagnosticCode", "smtp; 550 5.1.1 user unknown")));
        bounce.put("timestamp", "2026-04-11T08:00:05.000Z");
        bounce.put("reportingMTA", "dsn; a8-70.smtp-out.amazonses.com");
        return write(Map.of("eventType", "Bounce", "bounce", bounce, "mail", mail(address)));
    }

    /** An SES event-publishing record of a complaint (marked as spam) about mail to this address. */
    public static String sesComplaint(String address) {
        Map<String, Object> complaint = new LinkedHashMap<>();
        complaint.put("feedbackId", "0100017d-complaint");
        complaint.put("complainedRecipients", List.of(Map.of("emailAddress", address)));
        complaint.put("timestamp", "2026-04-11T08:05:00.000Z");
        complaint.put("complaintFeedbackType", "abuse");
        return write(Map.of("eventType", "Complaint", "complaint", complaint, "mail", mail(address)));
    }

    /** An SES event-publishing record of a delivery (which changes nothing). */
    public static String sesDelivery(String address) {
        return write(Map.of("eventType", "Delivery", "mail", mail(address),
                "delivery", Map.of("recipients", List.of(address), "timestamp", "2026-04-11T08:00:03.000Z")));
    }

    /** SNS's envelope around a message, as a queue receives it without raw message delivery. */
    public static String snsEnvelope(String message) {
        return write(Map.of("Type", "Notification", "MessageId", UUID.randomUUID().toString(),
                "TopicArn", "arn:aws:sns:" + LocalBackends.REGION + ":123456789012:feedback",
                "Subject", "Amazon SES Email Event Notification", "Message", message, "Timestamp", "2026-04-11T08:00:06.000Z"));
    }

    private static Map<String, Object> mail(String address) {
        Map<String, Object> mail = new HashMap<>();
        mail.put("timestamp", "2026-04-11T08:00:00.000Z");
        mail.put("source", LocalBackends.SENDER);
        mail.put("sendingAccountId", "123456789012");
        mail.put("messageId", "0100017d-" + UUID.randomUUID());
        mail.put("destination", List.of(address));
        mail.put("tags", Map.of("ses:configuration-set", List.of("gelombang-email")));
        return mail;
    }

    /**
     * Runs one invocation as Lambda would: the SQS event through {@link SqsBatch} and the handler
     * bean; returns the ids the function reported as batch item failures.
     */
    public static List<String> invoke(Class<? extends SqsMessageHandler> handler, List<Message> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Arc.container().instance(SqsBatch.class).get().handle(
                    new ByteArrayInputStream(event(messages).getBytes(StandardCharsets.UTF_8)), out,
                    Arc.container().instance(handler).get());
            JsonNode response = JSON.readTree(out.toByteArray());
            List<String> failed = new ArrayList<>();
            response.get("batchItemFailures").forEach(f -> failed.add(f.get("itemIdentifier").asText()));
            return failed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the queue did with a message: deleted after a delivery, or moved to the dead-letter queue. */
    public record Fate(int deliveries, boolean deadLettered) {
    }

    /**
     * Delivers messages as the event source mapping does: each batch once, then the messages it
     * reported as failed again after {@code visibilityTimeout}, until none fails or a message has
     * been delivered {@code maxReceiveCount} times (then it goes to the dead-letter queue).
     */
    public static Map<String, Fate> deliverUntilSettled(Class<? extends SqsMessageHandler> handler, List<Message> messages,
            int maxReceiveCount, java.time.Duration visibilityTimeout) {
        Map<String, Fate> fates = new LinkedHashMap<>();
        List<Message> due = messages;
        while (!due.isEmpty()) {
            List<String> failed = invoke(handler, due);
            List<Message> again = new ArrayList<>();
            for (Message m : due) {
                boolean retry = failed.contains(m.messageId());
                if (!retry) {
                    fates.put(m.messageId(), new Fate(m.receiveCount(), false));
                } else if (m.receiveCount() >= maxReceiveCount) {
                    fates.put(m.messageId(), new Fate(m.receiveCount(), true));
                } else {
                    again.add(m.again());
                }
            }
            due = again;
            if (!due.isEmpty()) {
                try {
                    Thread.sleep(visibilityTimeout.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        return fates;
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
