package id.gelombang.common.observability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.problem.ProblemMappers;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Photos;
import id.gelombang.testing.Stdout;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Refused work is counted where CloudWatch can alarm on it: the EMF lines on the function's
 * standard output, by reason; and the log line that explains a 503 carries the invocation's ids.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class SheddingMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Database db;

    private final ObjectMapper json = new ObjectMapper();

    /**
     * Another session holds the registration's row: the upload URL's statement waits for its lock,
     * PostgreSQL's lock_timeout (3 s) ends it, and the registrant is told to retry.
     */
    @Test
    void aLockTimeoutIsAnswered503AndCountedAndItsLogLineNamesTheInvocation() throws Exception {
        Registered r = Api.registerNew();
        byte[] photo = Photos.jpeg(10_000);
        String apiRequestId = "test-" + UUID.randomUUID();
        String event = """
                {"version":"2.0","routeKey":"$default","rawPath":"/v1/registrations/%1$s/ktp/upload-url","rawQueryString":"",
                 "headers":{"authorization":"Bearer %2$s","content-type":"application/json"},
                 "requestContext":{"http":{"method":"POST","path":"/v1/registrations/%1$s/ktp/upload-url","protocol":"HTTP/1.1",
                   "sourceIp":"127.0.0.1","userAgent":"test"},"stage":"$default","requestId":"%3$s","timeEpoch":0},
                 "body":"{\\"contentType\\":\\"image/jpeg\\",\\"contentLength\\":%4$d,\\"checksumSha256\\":\\"%5$s\\"}",
                 "isBase64Encoded":false}""".formatted(r.id(), r.token(), apiRequestId, photo.length, Photos.sha256(photo));

        SqlConnection holder = db.pool().getConnection().await().atMost(WAIT);
        Transaction held = holder.begin().await().atMost(WAIT);
        List<ExtLogRecord> warnings = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record instanceof ExtLogRecord ext) {
                    ext.copyMdc(); // on the request's own thread: its log context as it is now
                    warnings.add(ext);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(ProblemMappers.class.getName());
        logger.addHandler(capture);
        Stdout.Captured<String> invoked;
        try {
            holder.preparedQuery("SELECT 1 FROM registration WHERE id = $1 FOR UPDATE").execute(Tuple.of(UUID.fromString(r.id())))
                    .await().atMost(WAIT);
            invoked = Stdout.during(() -> given().body(event).post("/_lambda_").then().statusCode(200).extract().asString());
        } finally {
            logger.removeHandler(capture);
            held.rollback().chain(holder::close).await().atMost(WAIT);
        }

        JsonNode answer = json.readTree(invoked.result());
        assertThat(answer.get("statusCode").asInt()).isEqualTo(503);
        assertThat(answer.at("/headers/Retry-After").asText(answer.at("/multiValueHeaders/Retry-After/0").asText())).isEqualTo("5");
        List<JsonNode> metrics = invoked.metrics();
        assertThat(metrics).anySatisfy(m -> {
            assertThat(m.path("Shed").asInt()).isEqualTo(1);
            assertThat(m.path("Reason").asText()).isEqualTo("lock-timeout");
        });
        assertThat(metrics).anySatisfy(m -> assertThat(m.path("LockTimeouts").asInt()).isEqualTo(1));

        assertThat(warnings).anySatisfy(w -> {
            assertThat(w.getMessage()).startsWith("Dependency unavailable, answering 503");
            assertThat(w.getMdc(RequestIds.API_REQUEST_ID)).isEqualTo(apiRequestId);
            assertThat(w.getMdc(RequestIds.LAMBDA_REQUEST_ID)).isNotBlank();
        });
    }

    @Test
    void aResendTooSoonIsAnswered429AndCountedByItsProblemType() throws Exception {
        Registered r = Api.registerNew();
        Stdout.Captured<Integer> resent = Stdout.during(() -> given().header("Authorization", "Bearer " + r.token())
                .post("/v1/registrations/" + r.id() + "/email/resend").statusCode());
        assertThat(resent.result()).isEqualTo(429);
        assertThat(resent.metrics()).anySatisfy(m -> {
            assertThat(m.path("Shed").asInt()).isEqualTo(1);
            assertThat(m.path("Reason").asText()).isEqualTo("too-many-requests");
        });
    }
}
