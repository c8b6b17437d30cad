package id.gelombang.testing;

import static io.restassured.RestAssured.given;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import id.gelombang.common.local.LocalBackends;
import io.quarkus.amazon.lambda.runtime.MockHttpEventServer;
import io.restassured.RestAssured;

/**
 * Runs target/function.zip the way the managed Java runtime does: unpacked as the task root,
 * started by AWS's runtime interface client, which pulls API Gateway v2 events from a Runtime
 * API. The Runtime API here is the Lambda extension's mock event server, which turns the tests'
 * HTTP calls into those events. One function process per test JVM; its output goes to
 * target/packaged-function.log.
 */
public final class PackagedFunction {

    private static final Path TARGET = Path.of("target");
    private static final String HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    private static int port;

    private PackagedFunction() {
    }

    /** Starts the function once per JVM and points RestAssured at it. */
    public static synchronized void start() {
        if (port == 0) {
            try {
                launch();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        RestAssured.port = port;
    }

    private static void launch() throws IOException {
        Path taskRoot = unzip(TARGET.resolve("function.zip"), TARGET.resolve("packaged-function"));
        String s3 = System.getProperty(LocalBackendsResource.S3_ENDPOINT_PROPERTY, "");
        Map<String, String> config = new HashMap<>(LocalBackends.start(s3.isBlank() ? null : URI.create(s3)));
        config.putAll(new LocalBackendsResource().applicationConfig());

        int eventPort = freePort();
        MockHttpEventServer events = new MockHttpEventServer();
        events.start(eventPort);

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // What Lambda's Java runtime sets by default.
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-cp");
        command.add(TARGET.resolve("lambda-runtime").toAbsolutePath() + File.separator + "*");
        command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
        command.add(HANDLER);

        // The runtime client loads the handler from its working directory and lib/, as in /var/task.
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(taskRoot.toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .redirectOutput(TARGET.resolve("packaged-function.log").toAbsolutePath().toFile());
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + eventPort + MockHttpEventServer.BASE_PATH);
        builder.environment().put("LAMBDA_TASK_ROOT", taskRoot.toAbsolutePath().toString());
        builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", "gelombang-api");
        builder.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        builder.environment().put("AWS_REGION", LocalBackends.REGION);
        Process function = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            function.destroy();
            try {
                events.close();
            } catch (IOException e) {
                // ending anyway
            }
        }));
        port = eventPort;
        awaitReady(function);
    }

    private static void awaitReady(Process function) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (!function.isAlive()) {
                throw new IllegalStateException("The packaged function exited; see target/packaged-function.log");
            }
            try {
                if (given().port(port).get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            sleep();
        }
        throw new IllegalStateException("The packaged function did not become ready; see target/packaged-function.log");
    }

    private static Path unzip(Path zip, Path into) throws IOException {
        if (Files.exists(into)) {
            try (var walk = Files.walk(into)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null;) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("Zip entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    copy(in, target);
                }
            }
        }
        return into;
    }

    private static void copy(InputStream in, Path target) throws IOException {
        Files.write(target, in.readNBytes(Integer.MAX_VALUE));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
