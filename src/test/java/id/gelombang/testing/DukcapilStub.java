package id.gelombang.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A stand-in for the civil registry's NIK verification API (WireMock on a free port), and the
 * verification settings the pipeline tests run with: small rates and short waits, so that
 * pacing, backoff and the circuit breaker show within seconds.
 */
public class DukcapilStub implements QuarkusTestResourceLifecycleManager {

    public static final String PATH = "/v1/nik-verifications";
    public static final String CREDENTIAL = "test-dukcapil-credential";
    /** Resource argument: "secret" reads the credential from a Secrets Manager secret through the stub. */
    public static final String CREDENTIAL_ARG = "credential";
    public static final String SECRET_ID = "arn:aws:secretsmanager:ap-southeast-3:000000000000:secret:dukcapil-credential";
    public static final int NIK_RATE_PER_SECOND = 5;
    public static final int EMAIL_RATE_PER_SECOND = 4;

    private static WireMockServer server;
    private boolean fromSecret;

    @Override
    public void init(Map<String, String> args) {
        fromSecret = "secret".equals(args.get(CREDENTIAL_ARG));
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().containerThreads(16));
        server.start();
        // The same server also plays the AWS Parameters and Secrets Lambda Extension when asked to.
        Map.Entry<String, String> credential = fromSecret
                ? Map.entry("gelombang.verification.dukcapil.credential-secret", SECRET_ID)
                : Map.entry("gelombang.verification.dukcapil.credential", CREDENTIAL);
        return Map.ofEntries(
                Map.entry("gelombang.verification.dukcapil.url", server.baseUrl()),
                Map.entry("gelombang.verification.dukcapil.secrets-extension", server.baseUrl()),
                credential,
                Map.entry("gelombang.verification.dukcapil.rate-per-second", Integer.toString(NIK_RATE_PER_SECOND)),
                Map.entry("gelombang.verification.dukcapil.timeout", "PT1S"),
                Map.entry("gelombang.verification.email.rate-per-second", Integer.toString(EMAIL_RATE_PER_SECOND)),
                Map.entry("gelombang.verification.email.daily-quota", "100000"),
                Map.entry("gelombang.verification.lease", "PT10S"),
                Map.entry("gelombang.verification.backoff-base", "PT1S"),
                Map.entry("gelombang.verification.backoff-cap", "PT2S"),
                Map.entry("gelombang.verification.max-attempts", "4"),
                // Five failures in a row open the circuit (30 s by default).
                Map.entry("gelombang.verification.dukcapil.breaker-failures", "5"));
    }

    public static WireMockServer server() {
        return server;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
