package id.gelombang.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import id.gelombang.common.local.LocalBackends;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Photos;
import id.gelombang.testing.S3Upload;
import id.gelombang.testing.SqsEvents;
import id.gelombang.testing.SqsEvents.Message;
import id.gelombang.upload.service.UploadEvents;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.service.EmailFeedback;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.EventType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The AWS wiring of the queue-fed workers, against LocalStack (the suite's second pass only): a
 * bucket notification delivers a real upload's S3 event to a queue, and a message read back from
 * it settles the photo through the upload worker's handler; an email sent with the configuration
 * set has its SES events published through SNS (raw) into a queue, and what arrives goes through
 * the feedback handler. LocalStack 4.14 publishes only send and delivery events (no bounces: those
 * are EmailFeedbackTest's documented records), and runs no event source mapping: the messages are
 * handed to the handlers as Lambda would hand them.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class LocalStackQueuesTest {

    private static URI endpoint;

    @Inject
    S3Client s3;

    @Inject
    Database db;

    @Inject
    JobWorker worker;

    @BeforeAll
    static void onlyAgainstLocalStack() {
        String configured = System.getProperty(LocalBackendsResource.S3_ENDPOINT_PROPERTY, "");
        assumeTrue(!configured.isBlank(), "S3 notifications and SES events need LocalStack (-Dgelombang.test.s3-endpoint)");
        endpoint = URI.create(configured);
    }

    @Test
    void theBucketsNotificationOfAnUploadReachesTheQueueAndSettlesThePhoto() {
        try (SqsClient sqs = client(SqsClient.builder())) {
            String queue = sqs.createQueue(b -> b.queueName("upload-events-" + UUID.randomUUID())).queueUrl();
            String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            s3.putBucketNotificationConfiguration(b -> b.bucket(LocalBackends.BUCKET).notificationConfiguration(n -> n
                    .queueConfigurations(q -> q.queueArn(queueArn).events(Event.S3_OBJECT_CREATED)
                            .filter(f -> f.key(k -> k.filterRules(r -> r.name(FilterRuleName.PREFIX).value("pending/")))))));
            try {
                Registered r = Api.registerNew();
                byte[] photo = Photos.jpeg(65_000);
                String key = S3Upload.upload(r, "image/jpeg", photo);

                List<Message> received = receiveUntil(sqs, queue, body -> body.contains(key));
                assertThat(SqsEvents.invoke(UploadEvents.class, received)).as("batch item failures").isEmpty();
                Api.get(r).then().statusCode(200).body("ktp.status", equalTo("RECEIVED"));
            } finally {
                s3.putBucketNotificationConfiguration(b -> b.bucket(LocalBackends.BUCKET).notificationConfiguration(n -> { }));
                sqs.deleteQueue(b -> b.queueUrl(queue));
            }
        }
    }

    @Test
    void mailGoesOutWithTheConfigurationSetAndItsEventsReachTheFeedbackQueueRaw() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (SqsClient sqs = client(SqsClient.builder()); SesClient ses = client(SesClient.builder())) {
            String topic = sns("Action=CreateTopic&Name=email-feedback-" + suffix, "TopicArn");
            String queue = sqs.createQueue(b -> b.queueName("email-feedback-" + suffix)).queueUrl();
            String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String subscription = sns("Action=Subscribe&TopicArn=" + encode(topic) + "&Protocol=sqs&Endpoint=" + encode(queueArn)
                    + "&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=true&ReturnSubscriptionArn=true", "SubscriptionArn");
            String destination = "feedback-" + suffix;
            ses.createConfigurationSetEventDestination(b -> b.configurationSetName(LocalBackends.CONFIGURATION_SET)
                    .eventDestination(d -> d.name(destination).enabled(true)
                            .matchingEventTypes(EventType.SEND, EventType.DELIVERY, EventType.BOUNCE, EventType.COMPLAINT)
                            .snsDestination(s -> s.topicARN(topic))));
            try {
                Jobs.parkAllOpen(db);
                String address = "ls" + suffix + "@example.com";
                Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", address));
                worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(30), true);

                List<Message> received = receiveUntil(sqs, queue, body -> body.contains("\"Delivery\"") && body.contains(address));
                // Published only for mail sent with the configuration set; raw, so the body is SES's event itself.
                assertThat(received).anySatisfy(m -> assertThat(m.body()).startsWith("{").contains("\"eventType\"", address));
                assertThat(SqsEvents.invoke(EmailFeedback.class, received)).as("batch item failures").isEmpty();
                Api.get(r).then().body("email.deliverable", equalTo(true));
            } finally {
                ses.deleteConfigurationSetEventDestination(b -> b.configurationSetName(LocalBackends.CONFIGURATION_SET)
                        .eventDestinationName(destination));
                sns("Action=Unsubscribe&SubscriptionArn=" + encode(subscription), null);
                sns("Action=DeleteTopic&TopicArn=" + encode(topic), null);
                sqs.deleteQueue(b -> b.queueUrl(queue));
            }
        }
    }

    /** Everything the queue hands out until a message matches (within 30 s), as Lambda would get it. */
    private static List<Message> receiveUntil(SqsClient sqs, String queue, Predicate<String> wanted) {
        List<Message> received = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            for (var m : sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(2)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages()) {
                received.add(new Message(m.messageId(), m.body(),
                        Integer.parseInt(m.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"))));
            }
            if (received.stream().anyMatch(m -> wanted.test(m.body()))) {
                return received;
            }
        }
        throw new AssertionError("No matching message arrived in the queue; received " + received.size());
    }

    /** One call of SNS's query API (LocalStack does not check its signature); the named element of the answer. */
    private static String sns(String form, String element) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/" + LocalBackends.REGION + "/sns/aws4_request, SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&Version=2010-03-31"))
                .build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            if (element == null) {
                return null;
            }
            Matcher m = Pattern.compile("<" + element + ">([^<]+)</" + element + ">").matcher(response.body());
            assertThat(m.find()).as(response.body()).isTrue();
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
            & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, C>, C> C client(B builder) {
        return builder.endpointOverride(endpoint).region(Region.of(LocalBackends.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
