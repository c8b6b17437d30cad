package id.gelombang.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.HashMap;
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
    /**
     * Resource argument: "verified-first" runs the registry's quota share as in AWS (a reserve of the
     * whole rest of the day, unverified registrations checked once 30 minutes old) with a daily quota
     * of {@link #SHARED_DAILY_QUOTA}. Without it unverified registrations are checked at once, as the
     * pipeline tests expect of a registration they just made.
     */
    public static final String QUOTA_SHARE_ARG = "quota-share";
    public static final int SHARED_DAILY_QUOTA = 1000;
    public static final int NIK_RATE_PER_SECOND = 5;
    public static final int BREAKER_REFUSALS = 8;
    public static final int EMAIL_RATE_PER_SECOND = 4;

    private static WireMockServer server;
    private boolean fromSecret;
    private boolean verifiedFirst;

    @Override
    public void init(Map<String, String> args) {
        fromSecret = "secret".equals(args.get(CREDENTIAL_ARG));
        verifiedFirst = "verified-first".equals(args.get(QUOTA_SHARE_ARG));
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().containerThreads(16));
        server.start();
        // The same server also plays the AWS Parameters and Secrets Lambda Extension when asked to.
        Map.Entry<String, String> credential = fromSecret
                ? Map.entry("gelombang.verification.dukcapil.credential-secret", SECRET_ID)
                : Map.entry("gelombang.verification.dukcapil.credential", CREDENTIAL);
        Map<String, String> share = verifiedFirst
                ? Map.of("gelombang.verification.dukcapil.unverified-reserve", "1",
                        "gelombang.verification.dukcapil.unverified-after", "PT30M",
                        "gelombang.verification.dukcapil.daily-quota", Integer.toString(SHARED_DAILY_QUOTA))
                : Map.of("gelombang.verification.dukcapil.unverified-reserve", "0",
                        "gelombang.verification.dukcapil.unverified-after", "PT0S");
        Map<String, String> config = new HashMap<>(share);
        config.putAll(Map.ofEntries(
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
                Map.entry("gelombang.verification.dukcapil.breaker-failures", "5"),
                // Past eight refusals with no answer between them, a refusal is an outage.
                Map.entry("gelombang.verification.dukcapil.breaker-refusals", Integer.toString(BREAKER_REFUSALS))));
        return config;
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
