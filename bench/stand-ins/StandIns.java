import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The replay's outside services in one JVM: S3 (S3Proxy with an in-memory store, which checks
 * SigV4 signatures as the tests' stand-in does) and the civil registry's NIK verification API
 * (docs/dukcapil-api.md) with a registry's latency and occasional failures.
 *
 * The registry stand-in answers MATCH when the name is the one the replay's registrants use
 * (the replay's bots send names that do not match the NIK), after a log-normal delay; a share of
 * calls answer 503 or stall past the client's timeout. Every call is appended to the calls file
 * (time, X-Request-Id, answer), which is how the replay counts the registry quota spent.
 *
 * java -cp <test classpath> StandIns.java s3Port accessKey secretKey bucket dukcapilPort callsFile
 *      matchName medianMs sigma errorShare stallShare stallMs seed
 */
public class StandIns {

    public static void main(String[] args) throws Exception {
        int s3Port = Integer.parseInt(args[0]);
        String accessKey = args[1], secretKey = args[2], bucket = args[3];
        int dukcapilPort = Integer.parseInt(args[4]);
        Path callsFile = Path.of(args[5]);
        String matchName = args[6];
        double medianMs = Double.parseDouble(args[7]), sigma = Double.parseDouble(args[8]);
        double errorShare = Double.parseDouble(args[9]), stallShare = Double.parseDouble(args[10]);
        long stallMs = Long.parseLong(args[11]);
        Random random = new Random(Long.parseLong(args[12]));

        Properties properties = new Properties();
        properties.setProperty("jclouds.identity", accessKey);
        properties.setProperty("jclouds.credential", secretKey);
        BlobStore store = BlobStores.create("transient", properties);
        store.createContainer(bucket);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + s3Port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }

        PrintWriter calls = new PrintWriter(Files.newBufferedWriter(callsFile, StandardCharsets.UTF_8), true);
        Pattern name = Pattern.compile("\"fullName\"\\s*:\\s*\"([^\"]*)\"");
        AtomicLong served = new AtomicLong();
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", dukcapilPort), 256);
        registry.setExecutor(Executors.newFixedThreadPool(64));
        registry.createContext("/v1/nik-verifications", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String requestId = String.valueOf(exchange.getRequestHeaders().getFirst("X-Request-Id"));
            double draw, delay;
            synchronized (random) {
                draw = random.nextDouble();
                delay = medianMs * Math.exp(sigma * random.nextGaussian());
            }
            String answer;
            if (draw < errorShare) {
                answer = "503";
            } else if (draw < errorShare + stallShare) {
                answer = "stall";
                delay = stallMs;
            } else {
                Matcher m = name.matcher(body);
                answer = m.find() && m.group(1).equals(matchName) ? "MATCH" : "MISMATCH";
            }
            synchronized (calls) {
                calls.println(System.currentTimeMillis() + " " + requestId + " " + answer);
            }
            sleep((long) delay);
            if (answer.equals("503")) {
                reply(exchange, 503, "{\"error\":\"unavailable\"}");
            } else if (answer.equals("stall")) {
                reply(exchange, 200, "{\"result\":\"MATCH\"}"); // too late: the client has given up
            } else {
                reply(exchange, 200, "{\"result\":\"" + answer + "\"}");
            }
            served.incrementAndGet();
        });
        registry.start();
        System.out.println("stand-ins ready: s3 " + s3Port + ", registry " + dukcapilPort);
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            // the client gave up (a stall past its timeout)
        } finally {
            exchange.close();
        }
    }
}
