package id.gelombang.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Every AWS call the code makes is granted, in infra/template.yaml, to the function that makes it
 * and to no other. Local stand-ins enforce no IAM, so this is where a missing grant (S3 answering
 * a missing key with 403 without s3:ListBucket) or a needless one shows before a deploy.
 *
 * What each function calls, and where in the code:
 * - ApiFunction: presigned PUT (signing needs s3:PutObject), confirm reads and moves the photo
 *   (s3:GetObject, s3:PutObject via copy, s3:DeleteObject), withdrawal deletes both photos, and a
 *   read of a missing key needs s3:ListBucket to be a 404 (upload.service.KtpStorage); the wave
 *   schedule is read and written under schedule/ (wave.schedule.PublishedSchedule); a draw made through
 *   the API writes its list of ranks under draws/ in parts (an upload that fails is aborted), deletes
 *   the version it replaces, and presigns the GETs its ranks route redirects to (wave.draw.RanksFile).
 * - UploadWorkerFunction: the upload event runs confirm's checks (KtpStorage), and deletes what
 *   nobody waits for; Lambda's event source mapping receives and deletes its queue's messages with
 *   the function's role.
 * - EmailFeedbackFunction: the same for the SES feedback queue; the database otherwise.
 * - RetentionFunction: deletes photos (KtpStorage.deleteAll), reads the wave schedule and publishes it
 *   again (wave.schedule.WaveSchedule) when a wave's retention is done.
 * - SchemaMigrationFunction: seeds waves and publishes the schedule (wave.WaveSeeder).
 * - EmailWorkerFunction: sends the code (verification.mail) through SES, with the configuration set.
 * - NikWorkerFunction: reads the Dukcapil credential's secret (verification.dukcapil.DukcapilCredential,
 *   through the AWS Parameters and Secrets Lambda Extension, which signs with the function's role).
 * - DrawFunction: writes, replaces and deletes draws' lists of ranks under draws/ (wave.draw.RanksFile),
 *   and reads the draw's private key from its secret through the Secrets extension (wave.draw.DrawSeedSeal).
 */
class TemplatePermissionsTest {

    /** What Lambda's SQS event source mapping calls with the function's role. */
    private static final Set<String> QUEUE_POLLING = Set.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes");

    private static final Map<String, Set<String>> CALLS = Map.of(
            "ApiFunction", Set.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket", "s3:AbortMultipartUpload"),
            "UploadWorkerFunction", union(Set.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket"), QUEUE_POLLING),
            "EmailFeedbackFunction", QUEUE_POLLING,
            "RetentionFunction", Set.of("s3:DeleteObject", "s3:GetObject", "s3:PutObject"),
            "SchemaMigrationFunction", Set.of("s3:PutObject"),
            "EmailWorkerFunction", Set.of("ses:SendEmail"),
            "NikWorkerFunction", Set.of("secretsmanager:GetSecretValue"),
            "DrawFunction", Set.of("s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "secretsmanager:GetSecretValue"));

    private static JsonNode resources;

    @BeforeAll
    static void readTemplate() throws IOException {
        resources = new ObjectMapper(new YAMLFactory()).readTree(Path.of("infra", "template.yaml").toFile()).get("Resources");
    }

    @Test
    void eachFunctionMayMakeExactlyTheCallsItsCodeMakes() {
        Map<String, Set<String>> granted = new TreeMap<>();
        resources.fields().forEachRemaining(resource -> {
            if ("AWS::Serverless::Function".equals(resource.getValue().path("Type").asText())) {
                granted.put(resource.getKey(), actions(resource.getValue().at("/Properties/Policies")));
            }
        });
        assertThat(granted.keySet()).as("the template's functions").containsExactlyInAnyOrderElementsOf(CALLS.keySet());
        CALLS.forEach((function, calls) -> assertThat(granted.get(function)).as(function).isEqualTo(new TreeSet<>(calls)));
    }

    @Test
    void theS3GrantsStayWithinTheirPrefixes() {
        resources.fields().forEachRemaining(resource -> statements(resource.getValue().at("/Properties/Policies")).forEach(statement -> {
            String action = statement.path("Action").toString();
            if (!action.contains("s3:")) {
                return;
            }
            String target = statement.path("Resource").toString();
            if (action.contains("s3:ListBucket")) {
                assertThat(statement.at("/Condition/StringLike/s3:prefix").toString()).as(resource.getKey() + " lists only its prefixes")
                        .contains("pending/*", "ktp/*");
            } else {
                assertThat(target).as(resource.getKey() + " object grants name their prefixes")
                        .containsAnyOf("/pending/*", "/ktp/*", "/schedule/*", "/draws/*").doesNotContain("Arn}/*'");
            }
        }));
    }

    @Test
    void queueGrantsNameOnlyTheQueueTheFunctionsMappingReads() {
        Map<String, String> mappedQueue = new TreeMap<>();
        resources.fields().forEachRemaining(resource -> {
            JsonNode r = resource.getValue();
            if ("AWS::Lambda::EventSourceMapping".equals(r.path("Type").asText())) {
                mappedQueue.put(r.at("/Properties/FunctionName").asText(), r.at("/Properties/EventSourceArn").asText());
            }
            // SAM's SQS event would attach AWSLambdaSQSQueueExecutionRole: these actions on every queue.
            r.at("/Properties/Events").forEach(event -> assertThat(event.path("Type").asText()).as(resource.getKey() + " events").isNotEqualTo("SQS"));
        });
        assertThat(mappedQueue).containsOnlyKeys("UploadWorkerFunction", "EmailFeedbackFunction");
        resources.fields().forEachRemaining(resource -> statements(resource.getValue().at("/Properties/Policies")).forEach(statement -> {
            if (statement.path("Action").toString().contains("sqs:")) {
                assertThat(statement.path("Resource").asText()).as(resource.getKey() + " polls its own queue")
                        .isEqualTo(mappedQueue.get(resource.getKey()));
            }
        }));
    }

    @Test
    void sendingWithTheConfigurationSetIsAllowedOnTheSetAndTheSenderOnly() {
        JsonNode worker = resources.get("EmailWorkerFunction");
        assertThat(worker.at("/Properties/Environment/Variables/GELOMBANG_VERIFICATION_EMAIL_CONFIGURATION_SET").asText())
                .isEqualTo("EmailConfigurationSet");
        JsonNode statement = statements(worker.at("/Properties/Policies")).iterator().next();
        assertThat(statement.path("Action").asText()).isEqualTo("ses:SendEmail");
        assertThat(statement.path("Resource").toString()).contains(":identity/*", ":configuration-set/${EmailConfigurationSet}");
        assertThat(statement.at("/Condition/StringEquals/ses:FromAddress").asText()).isEqualTo("EmailSender");
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return all;
    }

    private static Set<String> actions(JsonNode policies) {
        Set<String> actions = new TreeSet<>();
        statements(policies).forEach(statement -> {
            JsonNode action = statement.path("Action");
            if (action.isArray()) {
                action.forEach(a -> actions.add(a.asText()));
            } else if (!action.isMissingNode()) {
                actions.add(action.asText());
            }
        });
        return actions;
    }

    private static Iterable<JsonNode> statements(JsonNode policies) {
        java.util.List<JsonNode> statements = new java.util.ArrayList<>();
        if (policies.isArray()) {
            policies.forEach(policy -> policy.path("Statement").forEach(statements::add));
        }
        return statements;
    }
}
