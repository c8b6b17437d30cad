package id.gelombang;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.PackagedFunction;

/**
 * The API function's package (target/api-function.zip) started by its own bootstrap, as Lambda's
 * provided.al2023 runtime starts it: once as built, once with its runner jar's time changed, as a
 * rezipped or touched package would have it. The JVM then refuses the AOT cache with only a
 * warning; the application must say so in a way CloudWatch can alarm on (the AotCacheRejected
 * metric), and the post-deploy check (infra/smoke-check.sh) must fail on that log.
 */
class AotCacheCheckIT {

    private static final Path TARGET = Path.of("target");

    @Test
    void aStartFromTheCacheReportsNothing() throws Exception {
        Path log = start(unpacked("aot-check-intact"), "aot-check-intact.log");
        String lines = Files.readString(log, StandardCharsets.ISO_8859_1);
        assertThat(lines).doesNotContain("AotCacheRejected").doesNotContain("was not used at start");
        // The log is JSON in the prod profile, one object a line.
        assertThat(lines.lines().filter(line -> line.startsWith("{\"timestamp\"")).findAny()).isPresent();
        assertThat(smokeCheck(log)).as("the post-deploy check finds no AOT problem")
                .doesNotContain("AOT: ").contains("no start");
    }

    @Test
    void aStartThatCannotUseTheCacheIsReportedAndFailsThePostDeployCheck() throws Exception {
        Path task = unpacked("aot-check-touched");
        Path jar = task.resolve("gelombang.jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
        Path log = start(task, "aot-check-touched.log");
        String lines = Files.readString(log, StandardCharsets.ISO_8859_1);
        assertThat(lines).as("the JVM's own report").containsPattern("\\[(error|warning) *\\]\\[aot *\\]");
        assertThat(lines.lines().filter(line -> line.startsWith("{\"_aws\"") && line.contains("\"AotCacheRejected\":1")))
                .as("the metric line").hasSize(1);
        assertThat(smokeCheck(log)).contains("AOT: ");
    }

    private static Path start(Path task, String log) throws InterruptedException {
        PackagedFunction.Instance function = PackagedFunction.launchCustomRuntime(task, List.of(), log);
        given().port(function.port()).get("/q/health/live").then().statusCode(200);
        function.terminate(Duration.ofMinutes(1));
        return TARGET.resolve(log);
    }

    private static Path unpacked(String name) throws IOException, InterruptedException {
        Path task = TARGET.resolve(name);
        run(TARGET.getParent() == null ? Path.of(".") : TARGET.getParent(), "rm", "-rf", task.toString());
        // As AotTraining and Lambda unpack it: zip times have no zone and Lambda unpacks in UTC.
        run(Path.of("."), "unzip", "-q", TARGET.resolve("api-function.zip").toString(), "-d", task.toString());
        return task;
    }

    /** infra/smoke-check.sh's verdict on a saved log: its output, exit code 1 expected either way here (no REPORT line locally). */
    private static String smokeCheck(Path log) throws IOException, InterruptedException {
        Process check = new ProcessBuilder("bash", "infra/smoke-check.sh", "--log", log.toString()).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(output).isEqualTo(1);
        return output;
    }

    private static void run(Path directory, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).inheritIO();
        builder.environment().put("TZ", "UTC");
        if (builder.start().waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }
}
