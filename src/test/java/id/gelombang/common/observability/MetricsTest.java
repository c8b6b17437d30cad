package id.gelombang.common.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The documents are what CloudWatch's Embedded Metric Format specification asks for: a JSON object
 * whose _aws member holds the timestamp (ms) and a directive naming the namespace, the dimension
 * sets and the metrics, each of which is a member of the root with a number; every dimension named
 * is a member of the root too.
 */
class MetricsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T01:00:00Z");
    private final Metrics metrics = new Metrics("gelombang-ApiFunction-x1", Clock.fixed(NOW, ZoneOffset.UTC));
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aShedAnswerIsCountedByFunctionAndByReason() throws Exception {
        JsonNode document = json.readTree(metrics.document(List.of(List.of("Function"), List.of("Function", "Reason")),
                Map.of("Reason", "lock-timeout"), Map.of(Metrics.SHED, new Metrics.Value(1, "Count"))));
        JsonNode directive = document.at("/_aws/CloudWatchMetrics/0");
        assertThat(document.at("/_aws/Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
        assertThat(directive.get("Namespace").asText()).isEqualTo("Gelombang");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Function\"],[\"Function\",\"Reason\"]]");
        assertThat(directive.get("Metrics").toString()).isEqualTo("[{\"Name\":\"Shed\",\"Unit\":\"Count\"}]");
        assertThat(document.get("Function").asText()).isEqualTo("gelombang-ApiFunction-x1");
        assertThat(document.get("Reason").asText()).isEqualTo("lock-timeout");
        assertThat(document.get("Shed").isNumber()).isTrue();
        assertThat(document.get("Shed").asLong()).isEqualTo(1);
    }

    @Test
    void aWorkerRunReportsItsBacklogAndPace() throws Exception {
        JsonNode document = json.readTree(metrics.document(List.of(List.of("Function")), Map.of("Kind", "NIK_CHECK"), Map.of(
                Metrics.VERIFICATION_DUE, new Metrics.Value(1200, "Count"),
                Metrics.VERIFICATION_OLDEST_DUE, new Metrics.Value(95, "Seconds"))));
        assertThat(document.get("VerificationDueJobs").asLong()).isEqualTo(1200);
        assertThat(document.get("VerificationOldestDueSeconds").asLong()).isEqualTo(95);
        assertThat(document.at("/_aws/CloudWatchMetrics/0/Metrics").findValuesAsText("Unit")).containsExactlyInAnyOrder("Count", "Seconds");
        assertThat(document.get("Kind").asText()).as("a plain field, no dimension").isEqualTo("NIK_CHECK");
    }

    @Test
    void aValueThatIsNotAWordCannotBreakTheDocument() throws Exception {
        JsonNode document = json.readTree(metrics.document(List.of(List.of("Function")), Map.of("Reason", "x\"},\"y\":\"1"),
                Map.of(Metrics.SHED, new Metrics.Value(1, "Count"))));
        assertThat(document.get("Reason").asText()).isEqualTo("x____y_:_1");
        assertThat(document.has("y")).isFalse();
    }
}
