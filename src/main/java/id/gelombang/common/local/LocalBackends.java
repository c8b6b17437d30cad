package id.gelombang.common.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * A real PostgreSQL (embedded binaries) and a real S3 API (S3Proxy, which verifies SigV4
 * signatures) started in this JVM, for the local run and the tests. Neither library is packaged
 * into function.zip ("provided" scope); this class is only loaded when local backends are enabled.
 * Started once per JVM and stopped when it exits.
 */
public final class LocalBackends {

    public static final String REGION = "ap-southeast-3";
    public static final String BUCKET = "gelombang-ktp-local";
    public static final String ACCESS_KEY = "gelombang-local";
    public static final String SECRET_KEY = "gelombang-local-secret";
    /** Origins of pages served from this machine (the local run's reference page, the browser tests). */
    static final String LOCAL_PAGE_ORIGINS = "http://(localhost|127\\.0\\.0\\.1):[0-9]+";

    /**
     * Dev mode loads this class in more than one class loader (build and run); the started
     * backends are remembered in the system properties, which every loader shares.
     */
    private static final String STARTED = LocalBackends.class.getName() + ".started";

    private LocalBackends() {
    }

    /**
     * Starts the backends (first call only) and returns the configuration pointing at them.
     * With {@code externalS3} set (for example LocalStack on 4566) only PostgreSQL is started
     * and that endpoint is used with LocalStack's conventional test credentials, for S3 and for
     * SES (the email codes then go out through LocalStack's SES).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, String> start(URI externalS3) {
        Properties system = System.getProperties();
        synchronized (system) {
            Object started = system.get(STARTED);
            if (started instanceof Map<?, ?> config) {
                return (Map<String, String>) config;
            }
            Map<String, String> config = new LinkedHashMap<>();
            config.putAll(startPostgres());
            config.putAll(externalS3 == null ? startS3Proxy() : useS3(externalS3, "test", "test", false));
            if (externalS3 != null) {
                config.putAll(useSes(externalS3, "test", "test"));
            }
            Map<String, String> backends = Map.copyOf(config);
            system.put(STARTED, backends);
            return backends;
        }
    }

    private static Map<String, String> startPostgres() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    // the process is ending anyway
                }
            }));
            return Map.of(
                    "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
                    "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL did not start", e);
        }
    }

    private static Map<String, String> startS3Proxy() {
        try {
            Properties properties = new Properties();
            properties.setProperty("jclouds.identity", ACCESS_KEY);
            properties.setProperty("jclouds.credential", SECRET_KEY);
            URI endpoint = URI.create("http://127.0.0.1:" + freePort());
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(BlobStores.create("transient", properties))
                    .endpoint(endpoint)
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    // As the template's bucket CORS rule, for pages served from localhost: the reference
                    // page PUTs the photo straight from the browser.
                    .corsRules(new CrossOriginResourceSharing(List.of(LOCAL_PAGE_ORIGINS), List.of("PUT"),
                            List.of("*"), List.of("ETag"), "false"))
                    .build();
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(10);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    proxy.stop();
                } catch (Exception e) {
                    // the process is ending anyway
                }
            }));
            return useS3(endpoint, ACCESS_KEY, SECRET_KEY, true);
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start", e);
        }
    }

    private static Map<String, String> useS3(URI endpoint, String accessKey, String secretKey, boolean endpointIsS3Proxy) {
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            try {
                s3.createBucket(b -> b.bucket(BUCKET));
            } catch (BucketAlreadyOwnedByYouException e) {
                // a previous run's bucket: fine
            }
            if (!endpointIsS3Proxy) {
                // LocalStack applies bucket CORS rules as S3 does (S3Proxy is configured at start instead).
                s3.putBucketCors(c -> c.bucket(BUCKET).corsConfiguration(cors -> cors.corsRules(rule -> rule
                        .allowedOrigins("*").allowedMethods("PUT").allowedHeaders("*").exposeHeaders("ETag")
                        .maxAgeSeconds(3600))));
            }
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.s3.endpoint-override", endpoint.toString());
        config.put("quarkus.s3.path-style-access", "true");
        config.put("quarkus.s3.aws.region", REGION);
        config.put("quarkus.s3.aws.credentials.type", "static");
        config.put("quarkus.s3.aws.credentials.static-provider.access-key-id", accessKey);
        config.put("quarkus.s3.aws.credentials.static-provider.secret-access-key", secretKey);
        config.put("gelombang.upload.bucket", BUCKET);
        return config;
    }

    /** The sender every local configuration mails from; SES only sends from verified identities. */
    public static final String SENDER = "no-reply@gelombang.local";

    /** The SES configuration set the LocalStack pass sends with, as the template's EmailConfigurationSet. */
    public static final String CONFIGURATION_SET = "gelombang-local";

    private static Map<String, String> useSes(URI endpoint, String accessKey, String secretKey) {
        verifySender(endpoint);
        createConfigurationSet(endpoint);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("gelombang.verification.email.ses-region", REGION);
        config.put("gelombang.verification.email.ses-endpoint", endpoint.toString());
        config.put("gelombang.verification.email.ses-access-key-id", accessKey);
        config.put("gelombang.verification.email.ses-secret-access-key", secretKey);
        config.put("gelombang.verification.email.transport", "ses");
        config.put("gelombang.verification.email.from", "Gelombang <" + SENDER + ">");
        config.put("gelombang.verification.email.configuration-set", CONFIGURATION_SET);
        return config;
    }

    /**
     * LocalStack's SES, like SES, only sends from verified identities, and verifies one at once. It
     * reads region and account from the credential scope and does not check SES signatures.
     */
    private static void verifySender(URI endpoint) {
        HttpResponse<String> response = sesCall(endpoint, "Action=VerifyEmailIdentity&Version=2010-12-01&EmailAddress="
                + URLEncoder.encode(SENDER, StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("LocalStack SES refused to verify the sender: HTTP " + response.statusCode());
        }
    }

    /** Once per LocalStack run: a later JVM of the same run finds it there. */
    private static void createConfigurationSet(URI endpoint) {
        HttpResponse<String> response = sesCall(endpoint, "Action=CreateConfigurationSet&Version=2010-12-01&ConfigurationSet.Name="
                + CONFIGURATION_SET);
        if (response.statusCode() != 200 && !response.body().contains("AlreadyExists")) {
            throw new IllegalStateException("LocalStack SES refused the configuration set: HTTP " + response.statusCode());
        }
    }

    private static HttpResponse<String> sesCall(URI endpoint, String form) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/" + REGION + "/ses/aws4_request, SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("LocalStack SES unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
