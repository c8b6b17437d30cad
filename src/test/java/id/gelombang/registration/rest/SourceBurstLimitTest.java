package id.gelombang.registration.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import id.gelombang.common.crypto.Digests;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.GatewayEvents;
import id.gelombang.testing.GatewayEvents.Answer;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.SettableClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Registration attempts from one source (the address API Gateway gives as requestContext.http.sourceIp;
 * an IPv6 /64 counts as one) beyond gelombang.registration.limits.per-source-per-minute in a minute
 * are shed with 429 + Retry-After (the seconds to the next minute) and a rate-limited problem, and
 * change nothing; other sources are served, and the same Idempotency-Key is served once the minute
 * has passed. The limit here is 5 so a test can reach it; the application's clock stands still so
 * the minute does not turn during a test.
 */
@QuarkusTest
@TestProfile(SourceBurstLimitTest.FiveAMinute.class)
@WithTestResource(LocalBackendsResource.class)
class SourceBurstLimitTest {

    static final int LIMIT = 5;

    public static class FiveAMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gelombang.registration.limits.per-source-per-minute", Integer.toString(LIMIT));
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(SettableClock.class);
        }
    }

    @Inject
    Database db;

    @AfterEach
    void backToNow() {
        SettableClock.setTo(null);
    }

    private static String address() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "198.51." + random.nextInt(0, 256) + "." + random.nextInt(1, 255);
    }

    @Test
    void aBurstFromOneAddressIsShedUntilTheNextMinuteAndChangesNothing() {
        SettableClock.setTo(Instant.parse("2040-03-01T08:15:40Z"));
        String bot = address();
        Map<String, Object> first = Applicants.valid();
        assertThat(GatewayEvents.register(bot, first).status()).isEqualTo(201);
        // A refusal is an attempt too: a bot learns nothing more by trying NIKs that are taken.
        assertThat(GatewayEvents.register(bot, first).status()).isEqualTo(409);
        for (int i = 2; i < LIMIT; i++) {
            assertThat(GatewayEvents.register(bot, Applicants.valid()).status()).isEqualTo(201);
        }

        long registrations = db.registrations();
        long storedReplies = db.idempotencyRecords();
        String key = UUID.randomUUID().toString();
        Map<String, Object> shed = Applicants.valid();
        Answer answer = GatewayEvents.register(bot, Map.of("Idempotency-Key", key), shed);

        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.header("Retry-After")).isEqualTo("20");
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.body().path("type").asText()).endsWith("/rate-limited");
        assertThat(answer.body().path("status").asInt()).isEqualTo(429);
        assertThat(answer.body().toString()).doesNotContain(bot).doesNotContain((String) shed.get("nik"));
        assertThat(db.registrations()).isEqualTo(registrations);
        assertThat(db.idempotencyRecords()).isEqualTo(storedReplies);
        // Only a keyed digest of the address is kept, not one anybody holding a list of addresses could compute.
        assertThat(db.count("SELECT count(*) FROM request_source WHERE source_digest = $1", (Object) Digests.sha256(bot)))
                .isZero();

        // Someone else in the same minute is served.
        assertThat(GatewayEvents.register(address(), Applicants.valid()).status()).isEqualTo(201);

        // In the next minute, the same key is a first attempt and is served.
        SettableClock.setTo(Instant.parse("2040-03-01T08:16:01Z"));
        Answer retried = GatewayEvents.register(bot, Map.of("Idempotency-Key", key), shed);
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.header("Idempotent-Replayed")).isNull();
    }

    @Test
    void theAddressesOfOneIpv6NetworkAreOneSource() {
        SettableClock.setTo(Instant.parse("2040-03-01T09:30:59.200Z"));
        String network = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)) + ":7:";
        for (int host = 1; host <= LIMIT; host++) {
            assertThat(GatewayEvents.register(network + ":" + Integer.toHexString(host), Applicants.valid()).status())
                    .isEqualTo(201);
        }
        Answer answer = GatewayEvents.register(network + "abcd:1234:5678:9abc", Applicants.valid());
        assertThat(answer.status()).isEqualTo(429);
        // 0.8 s to the next minute: never 0, which would invite an immediate retry.
        assertThat(answer.header("Retry-After")).isEqualTo("1");
    }
}
