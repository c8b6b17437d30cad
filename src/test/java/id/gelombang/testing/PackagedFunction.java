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
 * HTTP calls into those events. The API function runs once per test JVM (output in
 * target/packaged-function.log); tests may start further copies, such as workers, and kill them.
 */
public final class PackagedFunction {

    private static final Path TARGET = Path.of("target");
    private static final String HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    private static Instance api;
    private static Path taskRoot;

    /** One running copy of the function: its process and the Runtime API that feeds it. */
    public static final class Instance {
        private final Process process;
        private final MockHttpEventServer events;
        private final int port;

        private Instance(Process process, MockHttpEventServer events, int port) {
            this.process = process;
            this.events = events;
            this.port = port;
        }

        /** Where HTTP calls become this function's API Gateway events. */
        public int port() {
            return port;
        }

        /** One invocation with a raw event (an SQS batch, say), as Lambda makes it; returns the function's answer. */
        public String invoke(String event) {
            return given().port(port).body(event).post("/_lambda_").then().statusCode(200).extract().asString();
        }

        /**
         * Ends the process with SIGTERM, as Lambda does at shutdown, and waits up to {@code timeout}
         * for it to exit (a JVM writes its AOT cache then); returns its exit code.
         */
        public int terminate(Duration timeout) throws InterruptedException {
            process.destroy();
            boolean exited = process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                events.close();
            } catch (IOException e) {
                // the event server is going anyway
            }
            if (!exited) {
                kill();
                throw new IllegalStateException("The function did not exit within " + timeout);
            }
            return process.exitValue();
        }

        /** Kills the process at once (SIGKILL), as Lambda does at a timeout, and waits until it is gone. */
        public void kill() {
            process.destroyForcibly();
            try {
                process.waitFor();
                events.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the event server is going anyway
            }
        }
    }

    private PackagedFunction() {
    }

    /** Starts the API function once per JVM and points RestAssured at it. */
    public static synchronized void start() {
        if (api == null) {
            api = launch("api", Map.of());
        }
        RestAssured.port = api.port();
    }

    /**
     * Starts another copy of the function with extra configuration (a worker, say), logging to
     * target/packaged-function-{name}.log.
     */
    public static synchronized Instance launch(String name, Map<String, String> extraConfig) {
        return launch(name, extraConfig, "packaged-function" + ("api".equals(name) ? "" : "-" + name) + ".log");
    }

    /** As {@link #launch(String, Map)}, logging to target/{@code log}. */
    public static synchronized Instance launch(String name, Map<String, String> extraConfig, String log) {
        try {
            if (taskRoot == null) {
                taskRoot = unzip(TARGET.resolve("function.zip"), TARGET.resolve("packaged-function"));
            }
            return launch(taskRoot, name, extraConfig, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The settings a copy of the packaged function is started with (as -D system properties, over
     * its prod profile): where the local backends are, and the test resource's application
     * settings. Everything else is the prod profile as packaged. PackagedFunctionIT lists them.
     */
    public static Map<String, String> overrides(Map<String, String> extraConfig) {
        String s3 = System.getProperty(LocalBackendsResource.S3_ENDPOINT_PROPERTY, "");
        Map<String, String> config = new HashMap<>(LocalBackends.start(s3.isBlank() ? null : URI.create(s3)));
        config.putAll(new LocalBackendsResource().applicationConfig());
        config.putAll(extraConfig);
        return config;
    }

    /**
     * Starts a copy of the function with another handler, as Lambda starts a function whose template
     * names it (an SQS-fed worker's {@code SqsBatchFunction}), logging to
     * target/packaged-function-{name}.log; ready once it answers an empty SQS event.
     */
    public static synchronized Instance launchHandler(String name, String handler, Map<String, String> extraConfig) {
        String log = "packaged-function-" + name + ".log";
        try {
            if (taskRoot == null) {
                taskRoot = unzip(TARGET.resolve("function.zip"), TARGET.resolve("packaged-function"));
            }
            return start(command(handler, extraConfig), taskRoot, name, log, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instance launch(Path taskRoot, String name, Map<String, String> extraConfig, String log) throws IOException {
        return start(command(HANDLER, extraConfig), taskRoot, name, log);
    }

    private static List<String> command(String handler, Map<String, String> extraConfig) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // What Lambda's Java runtime sets by default.
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        overrides(extraConfig).forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-cp");
        command.add(TARGET.resolve("lambda-runtime").toAbsolutePath() + File.separator + "*");
        command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
        command.add(handler);
        return command;
    }

    /**
     * Starts the API function's custom runtime (target/api-function.zip unpacked in {@code taskRoot})
     * as the provided.al2023 runtime does: its {@code bootstrap}, with LAMBDA_TASK_ROOT and the
     * Runtime API in the environment. {@code jvmOptions} are handed to the bootstrap, which passes
     * them to the JVM; the local backends' settings are added as -D options.
     */
    public static Instance launchCustomRuntime(Path taskRoot, List<String> jvmOptions, String log) {
        return launchCustomRuntime(taskRoot, jvmOptions, Map.of(), log);
    }

    /** As {@link #launchCustomRuntime(Path, List, String)}, with extra configuration over the tests'. */
    public static Instance launchCustomRuntime(Path taskRoot, List<String> jvmOptions, Map<String, String> extraConfig, String log) {
        List<String> command = new ArrayList<>();
        command.add(taskRoot.toAbsolutePath().resolve("bootstrap").toString());
        command.addAll(jvmOptions);
        overrides(extraConfig).forEach((key, value) -> command.add("-D" + key + "=" + value));
        try {
            return start(command, taskRoot, "api", log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instance start(List<String> command, Path taskRoot, String name, String log) throws IOException {
        return start(command, taskRoot, name, log, false);
    }

    private static Instance start(List<String> command, Path taskRoot, String name, String log, boolean rawEvents) throws IOException {
        int eventPort = freePort();
        MockHttpEventServer events = new MockHttpEventServer();
        events.start(eventPort);

        // The runtime client loads the handler from its working directory and lib/, as in /var/task.
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(taskRoot.toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .redirectOutput(TARGET.resolve(log).toAbsolutePath().toFile());
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + eventPort + MockHttpEventServer.BASE_PATH);
        builder.environment().put("LAMBDA_TASK_ROOT", taskRoot.toAbsolutePath().toString());
        builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", "gelombang-" + name);
        builder.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        builder.environment().put("AWS_REGION", LocalBackends.REGION);
        Process function = builder.start();
        Instance instance = new Instance(function, events, eventPort);
        Runtime.getRuntime().addShutdownHook(new Thread(instance::kill));
        if (rawEvents) {
            awaitRawReady(function, instance, log);
        } else {
            awaitReady(function, eventPort, log);
        }
        return instance;
    }

    private static void awaitReady(Process function, int port, String log) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (!function.isAlive()) {
                throw new IllegalStateException("The packaged function exited; see target/" + log);
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
        throw new IllegalStateException("The packaged function did not become ready; see target/" + log);
    }

    private static void awaitRawReady(Process function, Instance instance, String log) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (!function.isAlive()) {
                throw new IllegalStateException("The packaged function exited; see target/" + log);
            }
            try {
                if (instance.invoke("{\"Records\":[]}").contains("batchItemFailures")) {
                    return;
                }
            } catch (RuntimeException | AssertionError e) {
                // not up yet
            }
            sleep();
        }
        throw new IllegalStateException("The packaged function did not become ready; see target/" + log);
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
