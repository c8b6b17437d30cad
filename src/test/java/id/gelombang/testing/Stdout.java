package id.gelombang.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the application writes to the process's standard output, where Lambda picks up the EMF
 * metric lines (common.observability.Metrics), while a call runs. The lines are passed on to the
 * real standard output too, so the test's log keeps them.
 */
public final class Stdout {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The lines written while {@code call} ran, and its result. */
    public record Captured<T>(List<String> lines, T result) {

        /** The EMF documents among the lines. */
        public List<JsonNode> metrics() {
            List<JsonNode> documents = new ArrayList<>();
            for (String line : lines) {
                if (line.startsWith("{\"_aws\"")) {
                    try {
                        documents.add(JSON.readTree(line));
                    } catch (java.io.IOException e) {
                        throw new AssertionError("not JSON: " + line, e);
                    }
                }
            }
            return documents;
        }
    }

    private Stdout() {
    }

    public static synchronized <T> Captured<T> during(Callable<T> call) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        T result;
        try {
            result = call.call();
        } finally {
            System.setOut(original);
            original.print(captured.toString(StandardCharsets.UTF_8));
        }
        return new Captured<>(List.of(captured.toString(StandardCharsets.UTF_8).split("\n")), result);
    }
}
