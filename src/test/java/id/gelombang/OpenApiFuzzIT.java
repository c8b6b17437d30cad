package id.gelombang;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItems;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import id.gelombang.testing.Applicants;
import id.gelombang.testing.Operator;
import id.gelombang.testing.PackagedFunction;
import id.gelombang.testing.TestWaves;
import id.gelombang.wave.draw.DrawSeed;
import io.restassured.http.ContentType;

/**
 * Schemathesis against the served /q/openapi of the packaged function (prod profile, under AWS's
 * runtime interface client), with every check it has: every answer documented (status, media type,
 * schema, headers), no 5xx, schema-valid requests accepted, schema-invalid ones refused, a 405 with
 * Allow for undeclared methods, OPTIONS naming exactly the documented methods, authentication
 * enforced where declared, a withdrawn registration gone, a created one reachable through the links.
 * <p>
 * What a schema cannot give a fuzzer comes from its hooks (src/test/schemathesis/hooks.py): every
 * call about a registration carries the token of its own registration (a fresh one per case, or the
 * one the 201 it followed a link from created), with a photo uploaded before confirm, the mailed
 * code for verify and a code a minute old for resend; wave calls address the drawn wave made here,
 * or a fresh one to change or close. Hooks rather than links alone: a link can carry the id from
 * the 201 but not the Bearer token (OpenAPI ignores Authorization as a parameter), and it cannot
 * upload a photo or read a mailbox. The document's links are followed by the stateful phase, the
 * hooks supplying the token of the registration each link came from.
 * <p>
 * Fails unless every documented operation got at least one 2xx; the calls per operation and their
 * statuses are written to target/openapi-fuzz/operations.md and printed. Runs in a failsafe
 * execution of its own, so the waves and registrations it makes live in a database no other test uses.
 */
class OpenApiFuzzIT {

    private static final Path TOOLS = Path.of(System.getenv().getOrDefault("GELOMBANG_TOOLS_HOME",
            System.getProperty("user.home") + "/.cache/gelombang-tools"));
    private static final Path SCHEMATHESIS = TOOLS.resolve("schemathesis/bin/st");
    private static final Path FUZZ = Path.of("src", "test", "schemathesis");
    private static final Path REPORT = Path.of("target", "openapi-fuzz");
    private static final Pattern GENERATED = Pattern.compile("(\\d+) generated");
    private static final Instant OPEN_WAVE_OPENED = Instant.parse("2020-01-01T00:00:00Z");
    /** The test key pair of the dev and test profiles (application.properties); the packaged function runs the prod profile. */
    private static final String DRAW_PUBLIC_KEY = "MCowBQYDK2VuAyEA5AGSv8rQdNh+ijnJvDv3Eg1ugx1O9f0vW6oKCuuIESg=";
    private static final String DRAW_PRIVATE_KEY = "MC4CAQAwBQYDK2VuBCIEIPDrbDiDYaNpV35RgRach7C9U9MkflakzU1DYEOGuWhQ";
    private static final String OUTSIDE_SEED = "5eed".repeat(16);

    @Test
    void everyOperationAnswersAsDocumentedPastItsTokenAndReachesA2xx() throws Exception {
        boolean installed = Files.isExecutable(SCHEMATHESIS);
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI needs Schemathesis (bash .ci/tools.sh installs it)");
        }
        Assumptions.assumeTrue(installed, "Schemathesis is not installed (bash .ci/tools.sh installs it)");
        Files.createDirectories(REPORT);
        Path mail = REPORT.resolve("mail").toAbsolutePath();
        Path calls = REPORT.resolve("calls.tsv");
        Files.deleteIfExists(calls);

        // Its own log: generated strings of digits in URLs are not personal data (LogHygieneIT reads the others).
        // Mail goes to files the hooks read codes from, as fast as it is queued.
        PackagedFunction.Instance api = PackagedFunction.launch("openapi-fuzz", Map.of(
                "gelombang.admin.operator-key", Operator.KEY,
                "gelombang.verification.email.transport", "local",
                "gelombang.verification.email.local-directory", mail.toString(),
                "gelombang.verification.email.rate-per-second", "1000",
                "gelombang.verification.email.daily-quota", "1000000",
                "gelombang.verification.in-process-workers", "true",
                "gelombang.verification.poll-interval", "PT0.1S",
                // Every call of the run comes from this one address, far faster than any one address registers.
                "gelombang.registration.limits.per-source-per-minute", "0",
                // One process plays the API and the draw function, as in dev: it seals generated seeds and draws them.
                "gelombang.draw.seed-public-key", DRAW_PUBLIC_KEY,
                "gelombang.draw.seed-private-key", DRAW_PRIVATE_KEY), "openapi-fuzz-function.log");
        String base = "http://127.0.0.1:" + api.port();
        String drawn = drawnWave(api.port(), null);
        String drawnFromOutside = drawnWave(api.port(), OUTSIDE_SEED);
        // Every documented operation is fuzzed: the way back and support's recovery among them.
        given().port(api.port()).accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItems("/v1/registrations/access-codes", "/v1/registrations/access",
                        "/v1/admin/access-recoveries"));

        List<String> command = new ArrayList<>(List.of(SCHEMATHESIS.toString(),
                "--config-file", FUZZ.resolve("schemathesis.toml").toString(), "--no-color",
                "run", base + "/q/openapi",
                "--checks", "all",
                "--max-examples", System.getProperty("gelombang.test.fuzz-examples", "100"),
                "--seed", System.getProperty("gelombang.test.fuzz-seed", "20261130"),
                "--header", "X-Operator-Key: " + Operator.KEY,
                "--report", "junit", "--report-dir", REPORT.toString()));
        Path output = REPORT.resolve("schemathesis.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.put("SCHEMATHESIS_HOOKS", FUZZ.resolve("hooks.py").toAbsolutePath().toString());
        env.put("GELOMBANG_API", base);
        env.put("GELOMBANG_OPERATOR_KEY", Operator.KEY);
        env.put("GELOMBANG_OPEN_WAVE", TestWaves.OPEN);
        env.put("GELOMBANG_OPEN_WAVE_OPENED", OPEN_WAVE_OPENED.toString().substring(0, 10));
        env.put("GELOMBANG_DRAWN_WAVE", drawn);
        env.put("GELOMBANG_OUTSIDE_DRAWN_WAVE", drawnFromOutside);
        env.put("GELOMBANG_OUTSIDE_SEED", OUTSIDE_SEED);
        env.put("GELOMBANG_MAIL_DIR", mail.toString());
        env.put("GELOMBANG_CALLS", calls.toAbsolutePath().toString());
        Process schemathesis = builder.start();
        boolean finished = schemathesis.waitFor(20, TimeUnit.MINUTES);
        List<String> documented = documentedOperations(api.port());
        api.kill();
        String report = Files.readString(output, StandardCharsets.UTF_8);
        Map<String, Map<Integer, Integer>> statuses = statusesByOperation(calls);
        String table = table(documented, statuses);
        Files.writeString(REPORT.resolve("operations.md"), table);
        System.out.println(table);

        assertThat(finished).as("Schemathesis finished").isTrue();
        assertThat(schemathesis.exitValue()).as("Schemathesis found no failure; see " + output + "\n" + tail(report)).isZero();
        // The way back and support's recovery were among the operations fuzzed.
        String junit;
        try (var reports = Files.list(REPORT)) {
            Path latest = reports.filter(p -> p.getFileName().toString().endsWith(".xml"))
                    .max(java.util.Comparator.comparing(p -> p.toFile().lastModified())).orElseThrow();
            junit = Files.readString(latest, StandardCharsets.UTF_8);
        }
        assertThat(junit).contains("name=\"POST /v1/registrations/access-codes\"", "name=\"POST /v1/registrations/access\"",
                "name=\"POST /v1/admin/access-recoveries\"");
        Matcher generated = GENERATED.matcher(report);
        assertThat(generated.find()).as("a count of generated requests in " + output).isTrue();
        assertThat(Integer.parseInt(generated.group(1))).as("generated requests").isGreaterThanOrEqualTo(1000);
        // A success is a 2xx, or the redirect (302) an operation answers when what it serves is elsewhere.
        assertThat(documented.stream().filter(operation -> statuses.getOrDefault(operation, Map.of()).keySet().stream()
                .noneMatch(status -> status >= 200 && status < 300 || status == 302)))
                .as("documented operations without a 2xx (or 302) answer in the run\n" + table).isEmpty();
    }

    /**
     * A draw wave with two registrations, closed and drawn: what the draw routes need to answer 200. Its
     * seed is generated here, or, given one, made outside and committed to when the wave is created.
     */
    private static String drawnWave(int port, String outsideSeed) {
        String code = "FUZZ-DRAW-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> definition = new java.util.HashMap<>(Map.of("code", code, "selection", "DRAW", "quota", 1,
                "opensAt", now.minus(1, ChronoUnit.MINUTES).toString(), "closesAt", now.plus(1, ChronoUnit.HOURS).toString()));
        if (outsideSeed != null) {
            definition.put("drawCommitment", DrawSeed.commitment(java.util.HexFormat.of().parseHex(outsideSeed)));
        }
        Operator.operator().port(port).body(definition).post("/v1/admin/waves").then().statusCode(201);
        for (int i = 0; i < 2; i++) {
            Map<String, Object> applicant = Applicants.with(Applicants.valid(), "waveCode", code);
            given().port(port).contentType(ContentType.JSON).header("Idempotency-Key", UUID.randomUUID().toString())
                    .body(applicant).post("/v1/registrations").then().statusCode(201);
        }
        Operator.operator().port(port).post("/v1/admin/waves/" + code + "/close").then().statusCode(200);
        Operator.operator().port(port).body(outsideSeed == null ? Map.of() : Map.of("seed", outsideSeed))
                .post("/v1/admin/waves/" + code + "/draw").then().statusCode(200);
        return code;
    }

    /** "METHOD /path/{template}" of every operation the served document declares. */
    private static List<String> documentedOperations(int port) {
        Map<String, Map<String, Object>> paths = given().port(port).accept(ContentType.JSON).get("/q/openapi?format=json")
                .then().statusCode(200).extract().path("paths");
        List<String> operations = new ArrayList<>();
        paths.forEach((path, item) -> item.keySet().stream()
                .filter(method -> List.of("get", "put", "post", "delete", "patch").contains(method))
                .forEach(method -> operations.add(method.toUpperCase() + " " + path)));
        return operations.stream().sorted().toList();
    }

    private static Map<String, Map<Integer, Integer>> statusesByOperation(Path calls) throws java.io.IOException {
        Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
        if (!Files.exists(calls)) {
            return statuses;
        }
        for (String line : Files.readAllLines(calls, StandardCharsets.UTF_8)) {
            String[] fields = line.split("\t");
            if (fields.length == 3) {
                statuses.computeIfAbsent(fields[0] + " " + fields[1], k -> new TreeMap<>())
                        .merge(Integer.parseInt(fields[2]), 1, Integer::sum);
            }
        }
        return statuses;
    }

    /** Calls per documented operation with their statuses; calls with undeclared methods summed per method. */
    private static String table(List<String> documented, Map<String, Map<Integer, Integer>> statuses) {
        StringBuilder table = new StringBuilder("| Operation | Calls | 2xx | Statuses |\n|---|---|---|---|\n");
        int total = 0;
        for (String operation : documented) {
            Map<Integer, Integer> counts = statuses.getOrDefault(operation, Map.of());
            int calls = counts.values().stream().mapToInt(Integer::intValue).sum();
            int ok = counts.entrySet().stream().filter(e -> e.getKey() >= 200 && e.getKey() < 300).mapToInt(Map.Entry::getValue).sum();
            total += calls;
            table.append("| ").append(operation).append(" | ").append(calls).append(" | ").append(ok).append(" | ")
                    .append(counts).append(" |\n");
        }
        Map<String, Map<Integer, Integer>> undeclared = new TreeMap<>();
        statuses.forEach((operation, counts) -> {
            if (!documented.contains(operation)) {
                counts.forEach((status, n) -> undeclared.computeIfAbsent(operation.substring(0, operation.indexOf(' ')),
                        k -> new TreeMap<>()).merge(status, n, Integer::sum));
            }
        });
        for (var method : undeclared.entrySet()) {
            int calls = method.getValue().values().stream().mapToInt(Integer::intValue).sum();
            total += calls;
            table.append("| ").append(method.getKey()).append(" (undeclared, on every path) | ").append(calls)
                    .append(" | | ").append(method.getValue()).append(" |\n");
        }
        return table.append("| All calls | ").append(total).append(" | | ").append(new TreeSet<>(undeclared.keySet()))
                .append(" |\n").toString();
    }

    private static String tail(String report) {
        String[] lines = report.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 80), lines.length));
    }
}
