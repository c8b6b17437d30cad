package id.gelombang.registration.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.testing.Api;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Traces;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A family card's count in a wave holds the keyed digest of its KK number: it lives exactly as long
 * as a registration using the card does, whichever way the last one goes (a refusal after the card
 * was counted, a withdrawal), and the card's limit stays exact while counts come and go.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class HouseholdDigestTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Database db;

    @Inject
    PersonalDataProtection protection;

    @Inject
    RegistrationService registrations;

    @Inject
    WithdrawalService withdrawals;

    /**
     * The "wave full" refusal that comes after the family card was counted: another registration
     * takes the last place while this one waits for it. The card's count goes back to 0, and its
     * row, with the KK's digest, goes with it.
     */
    @Test
    void aWaveFullRefusalAfterTheCardWasCountedLeavesNoDigestOfIt() throws Exception {
        String wave = db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), 1);
        Map<String, Object> person = Applicants.with(Applicants.valid(), "waveCode", wave);
        SqlConnection holder = db.pool().getConnection().await().atMost(TIMEOUT);
        Response refused;
        try {
            // Another registration's transaction holds the wave's only place, not yet committed.
            Transaction held = holder.begin().await().atMost(TIMEOUT);
            holder.preparedQuery("SELECT claim_wave_place(w.id, 0) FROM wave w WHERE w.code = $1").execute(Tuple.of(wave))
                    .await().atMost(TIMEOUT);
            CompletableFuture<Response> attempt = CompletableFuture.supplyAsync(() -> Api.register(UUID.randomUUID().toString(), person));
            // The registration counted the family card and now waits for a place (claim_wave_place sleeps between tries).
            waitUntil(() -> db.count("""
                    SELECT count(*) FROM pg_stat_activity
                    WHERE wait_event = 'PgSleep' AND query LIKE '%register_in_one_statement%'""") > 0);
            held.commit().await().atMost(TIMEOUT);
            refused = attempt.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            holder.close().await().atMost(TIMEOUT);
        }

        refused.then().statusCode(409).body("type", org.hamcrest.Matchers.endsWith("/wave-full"));
        assertThat(db.count("SELECT count(*) FROM household h JOIN wave w ON w.id = h.wave_id WHERE w.code = $1", wave)).isZero();
        assertThat(Traces.inDatabase(db, Traces.digestsOf(protection, person))).isEmpty();
    }

    /**
     * One card, a limit of one: its holder withdraws while others with the same card register, round
     * after round. Each round ends with at most one live registration on the card and a count equal
     * to it (no row at all when none holds it).
     */
    @Test
    void theCardsLimitStaysExactWhileItsCountComesAndGoes() throws Exception {
        String wave = db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), 10_000);
        db.execute("UPDATE wave SET household_limit = 1 WHERE code = $1", wave);
        String kk = (String) Applicants.valid().get("kkNumber");
        byte[] kkDigest = protection.lookupDigest("kk", kk);
        Holder holder = register(member(wave, kk));
        assertThat(holder).isNotNull();

        for (int round = 0; round < 4; round++) {
            Holder current = holder;
            int attempts = 12;
            var outcome = Concurrently.run(attempts + 1, attempts + 1, n -> {
                if (n == 0) {
                    try {
                        VertxContextSupport.subscribeAndAwait(() -> withdrawals.withdraw(current.id(), "Bearer " + current.token()));
                        return null;
                    } catch (Throwable e) {
                        throw new AssertionError(e);
                    }
                }
                return register(member(wave, kk));
            });
            List<Holder> accepted = new ArrayList<>(outcome.results().stream().filter(h -> h != null).toList());
            long live = db.count("SELECT count(*) FROM registration WHERE kk_digest = $1 AND released_at IS NULL",
                    io.vertx.core.buffer.Buffer.buffer(kkDigest));
            long counted = db.count("SELECT coalesce(sum(h.registered), 0) FROM household h JOIN wave w ON w.id = h.wave_id "
                    + "WHERE w.code = $1 AND h.kk_digest = $2", wave, io.vertx.core.buffer.Buffer.buffer(kkDigest));
            long rows = db.count("SELECT count(*) FROM household h JOIN wave w ON w.id = h.wave_id WHERE w.code = $1", wave);
            assertThat(live).as("round %d: live registrations on the card", round).isLessThanOrEqualTo(1).isEqualTo(accepted.size());
            assertThat(counted).as("round %d: the card's count", round).isEqualTo(live);
            assertThat(rows).as("round %d: a row only while the card is used", round).isEqualTo(live);
            if (accepted.isEmpty()) {
                // Every newcomer came before the withdrawal let go: one more now takes the free card.
                holder = register(member(wave, kk));
                assertThat(holder).isNotNull();
            } else {
                holder = accepted.get(0);
            }
        }
    }

    private record Holder(String id, String token) {
    }

    private static Map<String, Object> member(String wave, String kk) {
        return Applicants.with(Applicants.with(Applicants.valid(), "waveCode", wave), "kkNumber", kk);
    }

    /** Registers through the service, as a Lambda instance would; null when refused. */
    private Holder register(Map<String, Object> body) {
        try {
            StoredReply reply = VertxContextSupport.subscribeAndAwait(
                    () -> registrations.register(UUID.randomUUID().toString(), Applicants.command(body)));
            if (reply.status() != 201) {
                return null;
            }
            JsonNode created = new ObjectMapper().readTree(reply.body());
            return new Holder(created.path("id").asText(), created.path("registrationToken").asText());
        } catch (ProblemException e) {
            return null;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(20);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("the condition never held");
            }
            Thread.sleep(20);
        }
    }
}
