package id.gelombang.common.observability;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The application's CloudWatch metrics, written to standard output in CloudWatch's Embedded Metric
 * Format: Lambda hands each line to CloudWatch Logs, which extracts the metrics from it. No API call
 * is made, so recording a metric costs a line of log and nothing happens between waves.
 * <p>
 * Namespace {@value #NAMESPACE}; every metric has the dimension {@code Function} (the Lambda
 * function's name, which the template's alarms and dashboard name). Only events are counted
 * (a refused request, a lock timeout, a failed upload event, a rejected AOT cache) plus one backlog
 * sample per worker run, so a quiet function writes nothing. Dimension values are fixed words
 * chosen by the code, never request data.
 */
@ApplicationScoped
public class Metrics {

    public static final String NAMESPACE = "Gelombang";

    /** 503 and 429 answers, by reason: the application refusing work it cannot do now. */
    public static final String SHED = "Shed";
    /** PostgreSQL's lock_timeout (SQLSTATE 55P03) ended a statement. */
    public static final String LOCK_TIMEOUTS = "LockTimeouts";
    /** An S3 upload event the upload worker could not settle (it is retried, then dead-lettered). */
    public static final String UPLOAD_EVENT_FAILURES = "UploadEventFailures";
    /** Verification jobs due and not done, sampled at the end of each worker run. */
    public static final String VERIFICATION_DUE = "VerificationDueJobs";
    /** How long the oldest due verification job has waited, in seconds (0 when none is due). */
    public static final String VERIFICATION_OLDEST_DUE = "VerificationOldestDueSeconds";
    /** Jobs a worker run settled: the outbound pace to SES or the Dukcapil API. */
    public static final String VERIFICATION_SETTLED = "VerificationSettledJobs";
    /** The JVM did not use the API function's AOT cache at start (a start about three times slower). */
    public static final String AOT_CACHE_REJECTED = "AotCacheRejected";

    private final String function;
    private final Clock clock;

    @Inject
    public Metrics(Clock clock) {
        this(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "local"), clock);
    }

    Metrics(String function, Clock clock) {
        this.function = function;
        this.clock = clock;
    }

    /** A 503 or 429 answer; {@code reason} is a fixed word (a problem type or a fault class). */
    public void shed(String reason) {
        write(document(List.of(List.of("Function"), List.of("Function", "Reason")), Map.of("Reason", reason),
                Map.of(SHED, new Value(1, "Count"))));
    }

    public void lockTimeout() {
        count(LOCK_TIMEOUTS);
    }

    public void uploadEventFailed() {
        count(UPLOAD_EVENT_FAILURES);
    }

    public void aotCacheRejected() {
        count(AOT_CACHE_REJECTED);
    }

    /** One sample per worker run: the backlog it leaves and what it settled. */
    public void verification(String kind, long due, long oldestDueSeconds, long settled) {
        write(document(List.of(List.of("Function")), Map.of("Kind", kind), Map.of(
                VERIFICATION_DUE, new Value(due, "Count"),
                VERIFICATION_OLDEST_DUE, new Value(oldestDueSeconds, "Seconds"),
                VERIFICATION_SETTLED, new Value(settled, "Count"))));
    }

    private void count(String metric) {
        write(document(List.of(List.of("Function")), Map.of(), Map.of(metric, new Value(1, "Count"))));
    }

    record Value(long value, String unit) {
    }

    /**
     * An EMF document: the directive in {@code _aws}, then every dimension and metric as a member of
     * the root (CloudWatch_Embedded_Metric_Format_Specification). {@code fields} holds dimension values
     * beyond Function, and plain fields that no dimension set names.
     */
    String document(List<List<String>> dimensionSets, Map<String, String> fields, Map<String, Value> metrics) {
        StringBuilder json = new StringBuilder(256).append("{\"_aws\":{\"Timestamp\":").append(clock.millis())
                .append(",\"CloudWatchMetrics\":[{\"Namespace\":\"").append(NAMESPACE).append("\",\"Dimensions\":[");
        for (int i = 0; i < dimensionSets.size(); i++) {
            json.append(i == 0 ? "[" : ",[");
            List<String> set = dimensionSets.get(i);
            for (int j = 0; j < set.size(); j++) {
                json.append(j == 0 ? "" : ",").append('"').append(set.get(j)).append('"');
            }
            json.append(']');
        }
        json.append("],\"Metrics\":[");
        boolean first = true;
        for (Map.Entry<String, Value> metric : metrics.entrySet()) {
            json.append(first ? "" : ",").append("{\"Name\":\"").append(metric.getKey()).append("\",\"Unit\":\"")
                    .append(metric.getValue().unit()).append("\"}");
            first = false;
        }
        json.append("]}]},\"Function\":\"").append(word(function)).append('"');
        fields.forEach((name, value) -> json.append(",\"").append(name).append("\":\"").append(word(value)).append('"'));
        metrics.forEach((name, value) -> json.append(",\"").append(name).append("\":").append(value.value()));
        return json.append('}').toString();
    }

    /** Dimension values are words the code chose; anything else is replaced rather than escaped. */
    private static String word(String value) {
        return value.replaceAll("[^A-Za-z0-9._:-]", "_");
    }

    /** One line on the process's standard output, which Lambda sends to the function's log group. */
    private static void write(String line) {
        PrintStream out = System.out;
        out.println(line);
        out.flush();
    }
}
