package id.gelombang.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import id.gelombang.common.lambda.SqsBatchFunction;

/**
 * The queues of infra/template.yaml as AWS will run them: S3's upload events and SES's feedback
 * reach their workers through SQS, where a failed message is retried and then dead-lettered with an
 * alarm, and the settings agree with each other the way AWS's documentation asks. What AWS itself
 * does with them cannot run here (LocalStack's event source mappings are not part of this suite).
 */
class TemplateQueuesTest {

    private static JsonNode template;
    private static JsonNode resources;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = new ObjectMapper(new YAMLFactory()).readTree(Path.of("infra", "template.yaml").toFile());
        resources = template.get("Resources");
    }

    /** Every SQS event source mapping, with its queue, dead-letter queue and function. */
    private record Mapping(String name, JsonNode mapping, JsonNode queue, JsonNode deadLetterQueue, String deadLetterQueueName,
            String functionName, JsonNode function) {
    }

    private static List<Mapping> mappings() {
        List<Mapping> mappings = new ArrayList<>();
        resources.fields().forEachRemaining(resource -> {
            JsonNode r = resource.getValue();
            if ("AWS::Lambda::EventSourceMapping".equals(r.path("Type").asText())) {
                String queueName = r.at("/Properties/EventSourceArn").asText().replace(".Arn", "");
                JsonNode queue = resources.get(queueName);
                String dlqName = queue.at("/Properties/RedrivePolicy/deadLetterTargetArn").asText().replace(".Arn", "");
                String functionName = r.at("/Properties/FunctionName").asText();
                mappings.add(new Mapping(resource.getKey(), r, queue, resources.get(dlqName), dlqName, functionName, resources.get(functionName)));
            }
        });
        return mappings;
    }

    @Test
    void eachQueueRetriesAFailedMessageThenDeadLettersItWithAnAlarm() {
        assertThat(mappings()).extracting(Mapping::functionName).containsExactlyInAnyOrder("UploadWorkerFunction", "EmailFeedbackFunction");
        for (Mapping m : mappings()) {
            assertThat(m.mapping().at("/Properties/FunctionResponseTypes").toString()).as(m.name() + " reports batch item failures")
                    .contains("ReportBatchItemFailures");
            int timeout = m.function().at("/Properties/Timeout").asInt();
            assertThat(m.queue().at("/Properties/VisibilityTimeout").asInt()).as(m.name() + ": visibility timeout >= 6 x the function's timeout")
                    .isGreaterThanOrEqualTo(6 * timeout);
            assertThat(m.queue().at("/Properties/RedrivePolicy/maxReceiveCount").asInt()).as(m.name() + " deliveries before the DLQ")
                    .isBetween(5, 20);
            // A standard queue's message keeps its first enqueue time in the DLQ.
            assertThat(m.deadLetterQueue().at("/Properties/MessageRetentionPeriod").asInt()).as(m.name() + ": the DLQ keeps messages longer")
                    .isGreaterThan(m.queue().at("/Properties/MessageRetentionPeriod").asInt(345_600));
            assertThat(m.queue().at("/Properties/SqsManagedSseEnabled").asBoolean()).as(m.name() + " encrypted").isTrue();
            assertThat(m.deadLetterQueue().at("/Properties/SqsManagedSseEnabled").asBoolean()).isTrue();
            assertThat(m.mapping().at("/Properties/BatchSize").asInt()).isBetween(1, 10);
            assertThat(alarmsOnDepthOf(m.deadLetterQueueName())).as(m.name() + ": an alarm on its DLQ").isOne();
        }
    }

    @Test
    void theUploadQueueMappingRunsNoMoreInstancesThanAreReserved() {
        JsonNode maximum = resources.at("/UploadEventsMapping/Properties/ScalingConfig/MaximumConcurrency");
        // !If [reserved, the reservation, 2]: never more than reserved, and never below the mapping's minimum of 2.
        assertThat(maximum.get(0).asText()).isEqualTo("UploadWorkerConcurrencyReserved");
        assertThat(maximum.get(1).asText()).isEqualTo("UploadWorkerConcurrency");
        assertThat(maximum.get(2).asInt()).isEqualTo(2);
        assertThat(resources.at("/UploadWorkerFunction/Properties/ReservedConcurrentExecutions/1").asText()).isEqualTo("UploadWorkerConcurrency");
        assertThat(template.at("/Rules/UploadWorkerConcurrencyFitsTheQueueMapping/Assertions/0/Assert").toString()).contains("UploadWorkerConcurrency");
    }

    @Test
    void eachQueueFedFunctionNamesAnSqsBatchHandlerTheRuntimeClientCanCall() throws Exception {
        for (Mapping m : mappings()) {
            String handler = m.function().at("/Properties/Handler").asText();
            String[] parts = handler.split("::");
            Class<?> type = Class.forName(parts[0]);
            assertThat(SqsBatchFunction.class).as(handler).isAssignableFrom(type);
            // Quarkus's Lambda extension refuses to build beside the HTTP handler any class implementing these.
            assertThat(RequestHandler.class.isAssignableFrom(type) || RequestStreamHandler.class.isAssignableFrom(type)).as(handler).isFalse();
            assertThat(Modifier.isAbstract(type.getModifiers())).isFalse();
            Method method = type.getMethod(parts[1], InputStream.class, OutputStream.class, Context.class);
            assertThat(Modifier.isPublic(method.getModifiers())).isTrue();
            assertThat(type.getConstructor()).isNotNull();
        }
    }

    @Test
    void s3SendsEveryPendingUploadToTheUploadQueueAndMayDoSo() {
        JsonNode notification = resources.at("/KtpBucket/Properties/NotificationConfiguration");
        assertThat(notification.has("EventBridgeConfiguration")).as("no EventBridge route left (its invocations are throttled per region)").isFalse();
        JsonNode queue = notification.at("/QueueConfigurations/0");
        assertThat(queue.path("Event").asText()).isEqualTo("s3:ObjectCreated:*");
        assertThat(queue.path("Queue").asText()).isEqualTo("UploadEventsQueue.Arn");
        assertThat(queue.at("/Filter/S3Key/Rules/0/Value").asText()).isEqualTo("pending/");
        JsonNode allow = resources.at("/UploadEventsQueuePolicy/Properties/PolicyDocument/Statement/0");
        assertThat(allow.at("/Principal/Service").asText()).isEqualTo("s3.amazonaws.com");
        assertThat(allow.path("Action").asText()).isEqualTo("sqs:SendMessage");
        assertThat(allow.at("/Condition/StringEquals/aws:SourceAccount").asText()).isEqualTo("AWS::AccountId");
        // S3 checks it may send when the notification is set: the policy must exist first.
        assertThat(resources.at("/KtpBucket/DependsOn").asText()).isEqualTo("UploadEventsQueuePolicy");
    }

    /**
     * A registration waits for its pending object until it is decided, which can be days (an event in
     * the DLQ, a redrive, which restarts a message's retention, a registrant confirming later) and at
     * most until retention erases it (its wave's close + up to 730 days, KtpPhotoExpirationDays'
     * lower bound): no lifecycle rule may delete a pending upload sooner.
     */
    @Test
    void noLifecycleRuleDeletesAPendingUploadARegistrationStillWaitsFor() {
        int longestRetentionDays = 730;
        JsonNode expiration = template.at("/Parameters/KtpPhotoExpirationDays");
        assertThat(expiration.path("MinValue").asInt()).isGreaterThan(longestRetentionDays);
        int dlqDays = resources.at("/UploadEventsDeadLetterQueue/Properties/MessageRetentionPeriod").asInt() / 86_400;
        resources.at("/KtpBucket/Properties/LifecycleConfiguration/Rules").forEach(rule -> {
            String prefix = rule.path("Prefix").asText(rule.at("/Filter/Prefix").asText(""));
            if ((prefix.isEmpty() || "pending/".startsWith(prefix)) && rule.has("ExpirationInDays")) {
                assertThat(rule.path("ExpirationInDays").asText()).as(rule.path("Id").asText()).isEqualTo("KtpPhotoExpirationDays");
                assertThat(expiration.path("MinValue").asInt()).isGreaterThan(dlqDays);
            }
        });
    }

    @Test
    void sesBouncesAndComplaintsReachTheFeedbackQueueAsTheyAre() {
        JsonNode destination = resources.at("/EmailFeedbackEventDestination/Properties");
        assertThat(destination.path("ConfigurationSetName").asText()).isEqualTo("EmailConfigurationSet");
        assertThat(destination.at("/EventDestination/MatchingEventTypes").toString()).contains("bounce", "complaint");
        assertThat(destination.at("/EventDestination/Enabled").asBoolean()).isTrue();
        assertThat(destination.at("/EventDestination/SnsDestination/TopicARN").asText()).isEqualTo("EmailFeedbackTopic");
        JsonNode topicPolicy = resources.at("/EmailFeedbackTopicPolicy/Properties/PolicyDocument/Statement/0");
        assertThat(topicPolicy.at("/Principal/Service").asText()).isEqualTo("ses.amazonaws.com");
        assertThat(topicPolicy.at("/Condition/ArnLike/aws:SourceArn").asText()).contains("configuration-set/${EmailConfigurationSet}");
        JsonNode subscription = resources.at("/EmailFeedbackSubscription/Properties");
        assertThat(subscription.path("TopicArn").asText()).isEqualTo("EmailFeedbackTopic");
        assertThat(subscription.path("Endpoint").asText()).isEqualTo("EmailFeedbackQueue.Arn");
        assertThat(subscription.path("RawMessageDelivery").asBoolean()).isTrue();
        JsonNode queuePolicy = resources.at("/EmailFeedbackQueuePolicy/Properties/PolicyDocument/Statement/0");
        assertThat(queuePolicy.at("/Principal/Service").asText()).isEqualTo("sns.amazonaws.com");
        assertThat(queuePolicy.at("/Condition/ArnEquals/aws:SourceArn").asText()).isEqualTo("EmailFeedbackTopic");
    }

    @Test
    void theAccountsBounceAndComplaintRatesHaveAlarmsBelowSesReviewLevels() {
        assertThat(alarmOn("AWS/SES", "Reputation.BounceRate").path("Threshold").asDouble()).isLessThan(0.05);
        assertThat(alarmOn("AWS/SES", "Reputation.ComplaintRate").path("Threshold").asDouble()).isLessThan(0.001);
    }

    private static long alarmsOnDepthOf(String queue) {
        List<JsonNode> alarms = new ArrayList<>();
        resources.forEach(r -> {
            if ("AWS::CloudWatch::Alarm".equals(r.path("Type").asText())
                    && "ApproximateNumberOfMessagesVisible".equals(r.at("/Properties/MetricName").asText())
                    && (queue + ".QueueName").equals(r.at("/Properties/Dimensions/0/Value").asText())
                    && r.at("/Properties/Threshold").asDouble() == 0
                    && "GreaterThanThreshold".equals(r.at("/Properties/ComparisonOperator").asText())) {
                alarms.add(r);
            }
        });
        return alarms.size();
    }

    private static JsonNode alarmOn(String namespace, String metric) {
        for (JsonNode r : resources) {
            if ("AWS::CloudWatch::Alarm".equals(r.path("Type").asText()) && namespace.equals(r.at("/Properties/Namespace").asText())
                    && metric.equals(r.at("/Properties/MetricName").asText())) {
                return r.get("Properties");
            }
        }
        throw new AssertionError("No alarm on " + namespace + " " + metric);
    }
}
