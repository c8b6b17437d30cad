package id.gelombang;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItems;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import id.gelombang.testing.Applicants;
import id.gelombang.testing.Operator;
import id.gelombang.testing.PackagedFunction;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Schemathesis against the served /q/openapi of the packaged function (prod profile, under AWS's
 * runtime interface client): at least 1,000 generated requests over every documented operation,
 * with a real registration's id and token and the operator key, so the calls get past
 * authentication. Every answer must be documented (status, media type, schema, headers) and none
 * may be a 5xx. Runs in a failsafe execution of its own, so its generated waves live in a database
 * no other test uses.
 *
 * Checks left out, with their reason:
 * - positive_data_acceptance: the rules of a NIK (province, birth date, sex) and of a wave's times
 *   go beyond what JSON Schema can say, so schema-valid data is often rightly refused with 400.
 * - unsupported_method, allow_header_conformance: RESTEasy Reactive answers an unsupported method
 *   with 405 without an Allow header, and OPTIONS with the methods of the whole resource class; in
 *   AWS the HTTP API answers CORS preflights itself and routes only the documented methods.
 * The API has no OpenAPI links, so the stateful phase has nothing to follow.
 */
class OpenApiFuzzIT {

    private static final Path TOOLS = Path.of(System.getenv().getOrDefault("GELOMBANG_TOOLS_HOME",
            System.getProperty("user.home") + "/.cache/gelombang-tools"));
    private static final Path SCHEMATHESIS = TOOLS.resolve("schemathesis/bin/st");
    private static final Path REPORT = Path.of("target", "openapi-fuzz");
    private static final Pattern GENERATED = Pattern.compile("(\\d+) generated");

    @Test
    void everyGeneratedRequestGetsADocumentedAnswerAndNoneA5xx() throws Exception {
        boolean installed = Files.isExecutable(SCHEMATHESIS);
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI needs Schemathesis (bash .ci/tools.sh installs it)");
        }
        Assumptions.assumeTrue(installed, "Schemathesis is not installed (bash .ci/tools.sh installs it)");

        // Its own log: generated strings of digits in URLs are not personal data (LogHygieneIT reads the others).
        PackagedFunction.Instance api = PackagedFunction.launch("openapi-fuzz", Map.of("gelombang.admin.operator-key", Operator.KEY),
                "openapi-fuzz-function.log");
        // Every documented operation is fuzzed: the way back and support's recovery among them.
        given().port(api.port()).accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItems("/v1/registrations/access-codes", "/v1/registrations/access",
                        "/v1/admin/access-recoveries"));
        Response created = given().port(api.port()).contentType(ContentType.JSON)
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(Applicants.valid()).post("/v1/registrations");
        created.then().statusCode(201);

        Files.createDirectories(REPORT);
        Path config = REPORT.resolve("schemathesis.toml");
        // A schema-violating request with the token of a registration the fuzzer withdrew is rightly
        // answered 410 (every later call with that token is): a refusal like 400.
        Files.writeString(config, "[parameters]\n\"path.id\" = \"" + created.path("id") + "\"\n\n"
                + "[checks.negative_data_rejection]\nexpected-statuses = [\"400\", \"401\", \"403\", \"404\", \"406\", \"409\", "
                + "\"410\", \"413\", \"415\", \"422\", \"428\"]\n");
        List<String> command = new ArrayList<>(List.of(SCHEMATHESIS.toString(), "--config-file", config.toString(), "--no-color",
                "run", "http://127.0.0.1:" + api.port() + "/q/openapi",
                "--checks", "all",
                "--exclude-checks", "positive_data_acceptance,unsupported_method,allow_header_conformance",
                "--max-examples", "100",
                "--seed", System.getProperty("gelombang.test.fuzz-seed", "20261130"),
                "--header", "X-Operator-Key: " + Operator.KEY,
                "--header", "Authorization: Bearer " + created.path("registrationToken"),
                "--report", "junit", "--report-dir", REPORT.toString()));
        Path output = REPORT.resolve("schemathesis.txt");
        Process schemathesis = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean finished = schemathesis.waitFor(15, TimeUnit.MINUTES);
        api.kill();
        String report = Files.readString(output, StandardCharsets.UTF_8);

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
    }

    private static String tail(String report) {
        String[] lines = report.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 60), lines.length));
    }
}
