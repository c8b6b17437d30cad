package id.gelombang.testing;

import static id.gelombang.testing.Api.confirm;
import static id.gelombang.testing.Api.register;
import static id.gelombang.testing.Api.uploadUrl;
import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.RestAssured;

/**
 * The build's AOT training run for the API function's custom runtime (Maven's package phase,
 * after src/main/lambda/build-api-function.sh stage). Unpacks target/api-function.zip as Lambda
 * unpacks it into /var/task, starts its bootstrap with {@code -XX:AOTCacheOutput} against the
 * local PostgreSQL and S3 API (migrated and seeded by an earlier start, as in AWS), makes the
 * calls of a wave's first minute (registration, replay, duplicate, invalid body, status, upload
 * URL, upload, confirm, the current wave), then ends it with SIGTERM so that the JVM writes
 * target/aot-training/gelombang.aot. Any unexpected answer fails the build: the calls double as
 * a smoke test of the jlinked runtime.
 */
public final class AotTraining {

    private static final Path TARGET = Path.of("target");
    /** Enough rounds for every path to be loaded, linked and profiled; more only lengthens the build. */
    private static final int ROUNDS = 60;

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path training = TARGET.resolve("aot-training");
        Path taskRoot = training.resolve("task");
        Path cache = training.resolve("gelombang.aot").toAbsolutePath();
        deleteRecursively(training);
        Files.createDirectories(training);
        run("unzip", "-q", TARGET.resolve("api-function.zip").toAbsolutePath().toString(), "-d", taskRoot.toString());

        // The schema and the test wave first, in a start of their own: the API function never migrates
        // or seeds at start in AWS, so the trained start must not either (the migration's classes
        // would be in the cache, loaded at every start). No access log either.
        PackagedFunction.launchCustomRuntime(taskRoot, List.of(), "aot-training-setup.log").terminate(Duration.ofMinutes(1));
        Map<String, String> asInAws = Map.of("gelombang.schema.migrate-at-start", "false",
                "gelombang.waves.seed-at-start", "false", "quarkus.http.access-log.enabled", "false");
        // No method profiles in the cache: the bootstrap's JIT is C1 only, which makes little of them;
        // without them the start and the warm calls measured the same and every instance maps less
        // (docs/runtime.md).
        PackagedFunction.Instance function = PackagedFunction.launchCustomRuntime(taskRoot,
                List.of("-XX:AOTCacheOutput=" + cache, "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining",
                        "-Xlog:aot=warning"), asInAws, "aot-training.log");
        RestAssured.port = function.port();
        long started = System.nanoTime();
        for (int i = 0; i < ROUNDS; i++) {
            wavesFirstMinute();
        }
        System.out.printf("AOT training: %d rounds in %d ms%n", ROUNDS, (System.nanoTime() - started) / 1_000_000);
        int exit = function.terminate(Duration.ofMinutes(3));
        if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
            throw new IllegalStateException("The training run (exit " + exit + ") wrote no AOT cache; see target/aot-training.log");
        }
        System.out.printf("AOT cache: %s, %d bytes%n", cache, Files.size(cache));
        System.exit(0); // the local backends' threads would keep this JVM alive
    }

    private static void wavesFirstMinute() {
        given().get("/v1/waves/current").then().statusCode(200);
        Map<String, Object> body = Applicants.valid();
        String key = UUID.randomUUID().toString();
        register(key, body).then().statusCode(201);
        register(key, body).then().statusCode(201).header("Idempotent-Replayed", "true");
        register(UUID.randomUUID().toString(), body).then().statusCode(409);
        register(UUID.randomUUID().toString(), Applicants.with(body, "phone", "123")).then().statusCode(400);
        Api.Registered r = Api.registerNew();
        Api.get(r).then().statusCode(200);
        byte[] photo = Photos.jpeg(120_000);
        uploadUrl(r, "image/jpeg", photo.length, Photos.sha256(photo)).then().statusCode(201);
        S3Upload.upload(r, "image/jpeg", photo);
        confirm(r).then().statusCode(200);
        Api.get(r).then().statusCode(200);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("TZ", "UTC"); // zip times have no zone; Lambda unpacks in UTC
        Process process = builder.start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue());
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
