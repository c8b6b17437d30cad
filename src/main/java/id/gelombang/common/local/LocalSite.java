package id.gelombang.common.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves the reference registration page (src/site) on an origin of its own, as a static host
 * or CloudFront would, so that the browser's calls to the API and to S3 are real cross-origin
 * calls. {@code config.js} is generated: it tells the page where the API is. For the local run
 * and the tests only; in AWS the page is served from the site bucket (infra/template.yaml).
 */
public final class LocalSite implements AutoCloseable {

    private static final Map<String, String> MEDIA_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    private final HttpServer server;

    private LocalSite(HttpServer server) {
        this.server = server;
    }

    /** Serves {@code root} on 127.0.0.1:{@code port} (0: any free port) with the page pointed at {@code apiBase}. */
    public static LocalSite start(Path root, int port, URI apiBase) {
        Path site = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(site.resolve("index.html"))) {
            throw new IllegalStateException("No reference page at " + site);
        }
        byte[] config = ("export const config = { apiBase: '" + apiBase.toString().replaceAll("/$", "") + "' };\n")
                .getBytes(StandardCharsets.UTF_8);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
            server.setExecutor(Executors.newFixedThreadPool(4, runnable -> {
                Thread thread = new Thread(runnable, "gelombang-local-site");
                thread.setDaemon(true);
                return thread;
            }));
            server.createContext("/", exchange -> serve(exchange, site, config));
            server.start();
            return new LocalSite(server);
        } catch (IOException e) {
            throw new UncheckedIOException("The reference page server did not start", e);
        }
    }

    /** Where the page is, e.g. http://localhost:8090/ (localhost: a secure context for WebCrypto). */
    public URI uri() {
        return URI.create("http://localhost:" + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void serve(HttpExchange exchange, Path site, byte[] config) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            String type;
            if (path.equals("/config.js")) {
                body = config;
                type = MEDIA_TYPES.get("js");
            } else {
                Path file = site.resolve(path.equals("/") ? "index.html" : path.substring(1)).normalize();
                if (!file.startsWith(site) || !Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                body = Files.readAllBytes(file);
                String name = file.getFileName().toString();
                type = MEDIA_TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            // What the site bucket's CloudFront distribution sends too (infra/template.yaml).
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            exchange.sendResponseHeaders(200, "HEAD".equals(exchange.getRequestMethod()) ? -1 : body.length);
            if (!"HEAD".equals(exchange.getRequestMethod())) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
