package id.gelombang.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands where API Gateway stands between the public site and the function, and fails the way a
 * mobile network or the gateway does when told to: a response lost after the function did its
 * work, the gateway's own 503 with Retry-After and no problem body, or its 500 when Lambda refused
 * to run the function (throttled), also without a problem body. Records every call the
 * browser made, with its Idempotency-Key.
 */
public final class FlakyGateway implements AutoCloseable {

    /** One call as it reached the gateway. */
    public record Call(Instant at, String method, String path, String idempotencyKey, int status, boolean replayed) {
    }

    private enum Fault {
        NONE, DROP_RESPONSE, UNAVAILABLE, LAMBDA_REFUSED
    }

    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile String faultyRoute;
    private volatile Fault fault = Fault.NONE;
    private volatile int retryAfterSeconds;

    public FlakyGateway(URI target) {
        this.target = target;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri() {
        return URI.create("http://localhost:" + server.getAddress().getPort());
    }

    /** The next call of {@code method path} reaches the function, but its answer never reaches the browser. */
    public void dropNextResponse(String method, String path) {
        arm(method, path, Fault.DROP_RESPONSE, 0);
    }

    /** The next call of {@code method path} gets the gateway's 503 with Retry-After, without reaching the function. */
    public void refuseNext(String method, String path, int retryAfterSeconds) {
        arm(method, path, Fault.UNAVAILABLE, retryAfterSeconds);
    }

    /**
     * The next call of {@code method path} gets the gateway's 500 without reaching the function, as
     * API Gateway answers when the Lambda service throttles the invocation: no Retry-After, no problem body.
     */
    public void lambdaRefusesNext(String method, String path) {
        arm(method, path, Fault.LAMBDA_REFUSED, 0);
    }

    /** Calls of {@code method path} so far, oldest first (CORS preflights left out). */
    public List<Call> calls(String method, String path) {
        return calls.stream().filter(c -> c.method().equals(method) && c.path().equals(path)).toList();
    }

    public void reset() {
        fault = Fault.NONE;
        calls.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private synchronized void arm(String method, String path, Fault kind, int seconds) {
        faultyRoute = method + " " + path;
        retryAfterSeconds = seconds;
        fault = kind;
    }

    private synchronized Fault takeFault(String route) {
        if (fault == Fault.NONE || !route.equals(faultyRoute)) {
            return Fault.NONE;
        }
        Fault taken = fault;
        fault = Fault.NONE;
        return taken;
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant at = Instant.now();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        Fault fault = "OPTIONS".equals(method) ? Fault.NONE : takeFault(method + " " + path);
        if (fault == Fault.UNAVAILABLE || fault == Fault.LAMBDA_REFUSED) {
            // As API Gateway answers: its own JSON, not problem+json; CORS still applies.
            boolean refused = fault == Fault.LAMBDA_REFUSED;
            int status = refused ? 500 : 503;
            byte[] body = (refused ? "{\"message\":\"Internal Server Error\"}" : "{\"message\":\"Service Unavailable\"}")
                    .getBytes(StandardCharsets.UTF_8);
            String origin = exchange.getRequestHeaders().getFirst("Origin");
            if (origin != null) {
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
                exchange.getResponseHeaders().set("Access-Control-Expose-Headers", "retry-after");
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (!refused) {
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            calls.add(new Call(at, method, path, key, status, false));
            return;
        }
        HttpResponse<byte[]> response = forward(exchange, method);
        if (!"OPTIONS".equals(method)) {
            calls.add(new Call(at, method, path, key, response.statusCode(),
                    "true".equals(response.headers().firstValue("Idempotent-Replayed").orElse(null))));
        }
        if (fault == Fault.DROP_RESPONSE) {
            // The function did its work; the connection breaks before a byte of the answer arrives.
            exchange.close();
            return;
        }
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, String method) throws IOException {
        byte[] requestBody;
        try (InputStream in = exchange.getRequestBody()) {
            requestBody = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(30))
                .method(method, requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(requestBody));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
