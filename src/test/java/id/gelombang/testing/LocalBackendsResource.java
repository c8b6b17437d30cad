package id.gelombang.testing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.microprofile.config.ConfigProvider;

import id.gelombang.common.local.LocalBackends;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Real PostgreSQL and a real S3 API for the tests: S3Proxy by default, or the S3 endpoint named by
 * {@code -Dgelombang.test.s3-endpoint} (LocalStack: http://127.0.0.1:4566). Also configures the
 * packaged application started by {@code *IT} tests, which runs with the prod profile.
 */
public class LocalBackendsResource implements QuarkusTestResourceLifecycleManager {

    public static final String S3_ENDPOINT_PROPERTY = "gelombang.test.s3-endpoint";
    /** Resource argument: "proxied" puts a {@link TcpProxy} between the application and PostgreSQL. */
    public static final String DATABASE_ARG = "database";

    /** LOGIN password the tests' migration gives the role gelombang_app. */
    public static final String APP_ROLE_PASSWORD = "test-only-app-role-password-0001";

    /** The proxies of every application started with database=proxied, by the port the application was given. */
    private static final Map<Integer, TcpProxy> PROXIES = new ConcurrentHashMap<>();
    private boolean proxied;

    @Override
    public void init(Map<String, String> args) {
        proxied = "proxied".equals(args.get(DATABASE_ARG));
    }

    @Override
    public Map<String, String> start() {
        String s3 = System.getProperty(S3_ENDPOINT_PROPERTY, "");
        Map<String, String> config = new HashMap<>(LocalBackends.start(s3.isBlank() ? null : URI.create(s3)));
        config.putAll(applicationConfig());
        if (proxied) {
            String url = config.get("quarkus.datasource.reactive.url");
            int port = Integer.parseInt(url.replaceAll(".*:(\\d+)/.*", "$1"));
            TcpProxy proxy;
            try {
                proxy = new TcpProxy(port);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            PROXIES.put(proxy.port(), proxy);
            config.put("quarkus.datasource.reactive.url", url.replace(":" + port + "/", ":" + proxy.port() + "/"));
        }
        return config;
    }

    /**
     * The proxy in front of PostgreSQL of the running application (started with database=proxied),
     * found by the port in its own datasource URL: Quarkus may start this resource for another
     * application meanwhile, so a single "latest" proxy could be one the running application never uses.
     */
    public static TcpProxy databaseProxy() {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.reactive.url", String.class);
        int port = Integer.parseInt(url.replaceAll(".*:(\\d+)/.*", "$1"));
        TcpProxy proxy = PROXIES.get(port);
        if (proxy == null) {
            throw new IllegalStateException("the running application was not started with database=proxied");
        }
        return proxy;
    }

    /** What the tests set beyond the backends' addresses: keys, migrations and the open test wave. */
    Map<String, String> applicationConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("gelombang.schema.migrate-at-start", "true");
        // The migration gives the application's least-privilege role this LOGIN password (ApplicationRoleTest).
        config.put("gelombang.schema.app-user-password", APP_ROLE_PASSWORD);
        // Concurrency tests run 32 threads on one pool; they test the database, not load shedding.
        config.put("gelombang.database.max-wait-queue", "512");
        config.put("gelombang.crypto.data-key", "test-only-data-key-never-use-in-production-00001");
        config.put("gelombang.crypto.lookup-key", "test-only-lookup-key-never-use-in-production-001");
        // Every request line is logged too, so LogHygieneIT also proves URLs carry no personal data.
        config.put("quarkus.http.access-log.enabled", "true");
        config.put("gelombang.waves.seed-at-start", "true");
        config.put("gelombang.waves.seed.\"" + TestWaves.OPEN + "\".opens-at", "2020-01-01T00:00:00Z");
        config.put("gelombang.waves.seed.\"" + TestWaves.OPEN + "\".closes-at", "2099-01-01T00:00:00Z");
        config.put("gelombang.waves.seed.\"" + TestWaves.OPEN + "\".quota", "1000000");
        return config;
    }

    @Override
    public void stop() {
        // LocalBackends stop with the JVM.
    }
}
