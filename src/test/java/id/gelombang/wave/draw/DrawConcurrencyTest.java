package id.gelombang.wave.draw;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.BulkRegistrations;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A draw runs for minutes on a large wave. Releases in the same wave (withdrawals, NIK rejections)
 * must neither wait for it until their lock timeout nor deadlock with it. Each test keeps a real
 * draw running (held up on one registration's row lock, as a long draw is still busy) while a
 * release happens on its own connection.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class DrawConcurrencyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Database db;

    @Inject
    WaveDraw draws;

    @Test
    void aWithdrawalInTheWaveIsNotHeldUpByARunningDraw() throws Exception {
        String code = drawWave(2, true);
        // Not eligible (its NIK check is pending): the draw never touches its row.
        Registered leaving = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        Registered busy = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        db.execute("UPDATE registration SET nik_verification = 'VERIFIED' WHERE id = $1", UUID.fromString(busy.id()));
        BulkRegistrations.addVerified(db, code, 200);
        close(code);

        SqlConnection holder = db.pool().getConnection().await().atMost(WAIT);
        try {
            Transaction held = holder.begin().await().atMost(WAIT);
            holder.preparedQuery("SELECT 1 FROM registration WHERE id = $1 FOR UPDATE")
                    .execute(Tuple.of(UUID.fromString(busy.id()))).await().atMost(WAIT);
            CompletableFuture<DrawResult> draw = CompletableFuture.supplyAsync(() -> drawNow(code));
            awaitDrawWaiting();

            long started = System.nanoTime();
            given().header("Authorization", "Bearer " + leaving.token()).delete("/v1/registrations/" + leaving.id())
                    .then().statusCode(204);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the withdrawal, during the draw")
                    .isLessThan(Duration.ofSeconds(3));
            assertThat(draw).as("the draw, still held up").isNotDone();

            held.rollback().await().atMost(WAIT);
            DrawResult result = draw.get(20, TimeUnit.SECONDS);
            assertThat(result.eligible()).isEqualTo(201);
            assertThat(result.selected()).isEqualTo(2);
        } finally {
            holder.close().await().atMost(WAIT);
        }
        given().header("Authorization", "Bearer " + leaving.token()).get("/v1/registrations/" + leaving.id())
                .then().statusCode(410);
    }

    @Test
    void aReleaseHoldingARowTheDrawNeedsDoesNotDeadlockWithIt() throws Exception {
        String code = drawWave(2, false);
        Registered leaving = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        BulkRegistrations.addVerified(db, code, 200);
        close(code);
        long waveId = db.count("SELECT id FROM wave WHERE code = $1", code);

        // A withdrawal's steps, in its order: the registration's row first, then the wave's counters.
        SqlConnection withdrawal = db.pool().getConnection().await().atMost(WAIT);
        try {
            Transaction tx = withdrawal.begin().await().atMost(WAIT);
            withdrawal.preparedQuery("SELECT 1 FROM registration WHERE id = $1 FOR UPDATE")
                    .execute(Tuple.of(UUID.fromString(leaving.id()))).await().atMost(WAIT);
            CompletableFuture<DrawResult> draw = CompletableFuture.supplyAsync(() -> drawNow(code));
            awaitDrawWaiting();

            withdrawal.preparedQuery("""
                    INSERT INTO wave_funnel (wave_id, stage, shard, count) VALUES ($1, 'WITHDRAWN', 0, 1)
                    ON CONFLICT (wave_id, stage, shard) DO UPDATE SET count = wave_funnel.count + 1""")
                    .execute(Tuple.of(waveId)).await().atMost(WAIT);
            tx.commit().await().atMost(WAIT);

            DrawResult result = draw.get(20, TimeUnit.SECONDS);
            assertThat(result.eligible()).isEqualTo(201);
        } finally {
            withdrawal.close().await().atMost(WAIT);
        }
        assertThat(db.count("SELECT count(*) FROM operator_audit WHERE wave_code = $1 AND action = 'DRAW'", code)).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND selection_status = 'SELECTED'", code))
                .isEqualTo(2);
    }

    @Test
    void aPlaceReleasedWhileTheDrawRunsGoesToTheNextRank() throws Exception {
        byte[] seed = new byte[32];
        new java.security.SecureRandom().nextBytes(seed);
        String code = drawWave(2, true, DrawSeed.commitment(seed));
        BulkRegistrations.addVerified(db, code, 50);
        close(code);
        // In rank order, as anyone recomputes it from the seed: the first would be selected.
        java.util.List<UUID> byRank = db.pool().preparedQuery("""
                SELECT id FROM registration WHERE wave_code = $1
                ORDER BY sha256(decode($2, 'hex') || convert_to(CAST(id AS text), 'UTF8')), id""")
                .execute(Tuple.of(code, HexFormat.of().formatHex(seed))).await().atMost(WAIT)
                .stream().map(row -> row.getUUID(0)).toList();
        UUID first = byRank.get(0);

        SqlConnection release = db.pool().getConnection().await().atMost(WAIT);
        try {
            Transaction tx = release.begin().await().atMost(WAIT);
            release.preparedQuery("SELECT 1 FROM registration WHERE id = $1 FOR UPDATE")
                    .execute(Tuple.of(first)).await().atMost(WAIT);
            CompletableFuture<DrawResult> draw = CompletableFuture.supplyAsync(() -> drawNow(code, HexFormat.of().formatHex(seed)));
            awaitDrawWaiting();
            // The registration leaves (a withdrawal's release) and commits while the draw's statement runs.
            release.preparedQuery("UPDATE registration SET status = 'WITHDRAWN', released_at = now() WHERE id = $1")
                    .execute(Tuple.of(first)).await().atMost(WAIT);
            tx.commit().await().atMost(WAIT);

            DrawResult result = draw.get(20, TimeUnit.SECONDS);
            assertThat(result.eligible()).isEqualTo(49);
            assertThat(result.selected()).as("the quota, although a place was released mid-draw").isEqualTo(2);
        } finally {
            release.close().await().atMost(WAIT);
        }
        java.util.List<UUID> selected = db.pool().preparedQuery(
                "SELECT id FROM registration WHERE wave_code = $1 AND selection_status = 'SELECTED' ORDER BY selection_rank")
                .execute(Tuple.of(code)).await().atMost(WAIT).stream().map(row -> row.getUUID(0)).toList();
        assertThat(selected).containsExactly(byRank.get(1), byRank.get(2));
        given().get("/v1/waves/" + code + "/draw").then().statusCode(200)
                .body("selected", org.hamcrest.Matchers.equalTo(2))
                .body("cutoffRank", org.hamcrest.Matchers.equalTo(db.pool().preparedQuery(
                        "SELECT selection_rank FROM registration WHERE id = $1").execute(Tuple.of(byRank.get(2)))
                        .await().atMost(WAIT).iterator().next().getString(0)));
    }

    @Test
    void aWithdrawalWhileTheDrawIsMadeIsAnsweredAtOnceAndItsPlaceGoesToTheNextRank() throws Exception {
        byte[] seed = new byte[32];
        new java.security.SecureRandom().nextBytes(seed);
        String code = drawWave(2, false, DrawSeed.commitment(seed));
        // One registrant withdraws before the draw (the draw forgets its NIK's digest when it is published).
        Registered early = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        db.execute("UPDATE registration SET nik_verification = 'VERIFIED' WHERE id = $1", UUID.fromString(early.id()));
        given().header("Authorization", "Bearer " + early.token()).delete("/v1/registrations/" + early.id())
                .then().statusCode(204);
        Map<UUID, Registered> registrants = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
            registrants.put(UUID.fromString(r.id()), r);
        }
        close(code);
        long waveId = db.count("SELECT id FROM wave WHERE code = $1", code);
        java.util.List<UUID> byRank = ranked(code, seed);
        Registered leaving = registrants.get(byRank.get(0));

        // The draw is made up to its last steps and held there (on the withdrawals it forgets), while
        // the first rank, selected by the ranking, withdraws through the API.
        SqlConnection holder = db.pool().getConnection().await().atMost(WAIT);
        try {
            Transaction held = holder.begin().await().atMost(WAIT);
            holder.preparedQuery("SELECT 1 FROM draw_withdrawal WHERE wave_id = $1 FOR UPDATE")
                    .execute(Tuple.of(waveId)).await().atMost(WAIT);
            CompletableFuture<DrawResult> draw = CompletableFuture.supplyAsync(() -> drawNow(code, HexFormat.of().formatHex(seed)));
            awaitDrawWaiting("draw_withdrawal");

            // Nobody sees a half-made draw.
            Api.get(leaving).then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("REGISTERED"))
                    .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("selection")));
            given().get("/v1/waves/" + code + "/draw").then().statusCode(404);

            long started = System.nanoTime();
            given().header("Authorization", "Bearer " + leaving.token()).delete("/v1/registrations/" + leaving.id())
                    .then().statusCode(204);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the withdrawal, while the draw is made")
                    .isLessThan(Duration.ofMillis(1500));
            assertThat(draw).as("the draw, still held up").isNotDone();

            held.rollback().await().atMost(WAIT);
            DrawResult result = draw.get(20, TimeUnit.SECONDS);
            assertThat(result.eligible()).isEqualTo(5);
            assertThat(result.selected()).as("the quota, although a selected registrant left mid-draw").isEqualTo(2);
            assertThat(result.cutoffRank()).isEqualTo(rankOf(byRank.get(2)));
        } finally {
            holder.close().await().atMost(WAIT);
        }
        java.util.List<UUID> selected = db.pool().preparedQuery(
                "SELECT id FROM registration WHERE wave_code = $1 AND selection_status = 'SELECTED' ORDER BY selection_rank")
                .execute(Tuple.of(code)).await().atMost(WAIT).stream().map(row -> row.getUUID(0)).toList();
        assertThat(selected).containsExactly(byRank.get(1), byRank.get(2));
        Api.get(registrants.get(byRank.get(2))).then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("SELECTED"));
        given().header("Authorization", "Bearer " + leaving.token()).get("/v1/registrations/" + leaving.id())
                .then().statusCode(410);
        // One outcome notice per selected registrant; the one queued for the one who left went with its data.
        assertThat(db.count("""
                SELECT count(*) FROM verification_job j JOIN registration r ON r.id = j.registration_id
                WHERE r.wave_code = $1 AND j.kind = 'OUTCOME_NOTICE' AND j.state <> 'CANCELLED'""", code)).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM draw_rank WHERE wave_id = $1", waveId)).isZero();
    }

    @Test
    void aDrawStoppedHalfwayAndRunAgainEndsWithTheVerdictsOfAnUninterruptedDraw() throws Exception {
        byte[] seed = new byte[32];
        new java.security.SecureRandom().nextBytes(seed);
        String code = drawWave(10, false, DrawSeed.commitment(seed));
        BulkRegistrations.addVerified(db, code, 2500);
        close(code);
        java.util.List<UUID> byRank = ranked(code, seed);
        // In the order the verdicts are written (by id), one registration past the first two batches.
        UUID late = db.pool().preparedQuery("SELECT id FROM registration WHERE wave_code = $1 ORDER BY id OFFSET 2200 LIMIT 1")
                .execute(Tuple.of(code)).await().atMost(WAIT).iterator().next().getUUID(0);

        SqlConnection holder = db.pool().getConnection().await().atMost(WAIT);
        try {
            Transaction held = holder.begin().await().atMost(WAIT);
            holder.preparedQuery("SELECT 1 FROM registration WHERE id = $1 FOR UPDATE").execute(Tuple.of(late)).await().atMost(WAIT);
            CompletableFuture<DrawResult> draw = CompletableFuture.supplyAsync(() -> drawNow(code, HexFormat.of().formatHex(seed)));
            awaitDrawWaiting("selection_rank");
            // The draw stops halfway: its statement is cancelled, as a lock or statement timeout would.
            db.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%selection_rank%'");
            assertThat(draw).failsWithin(20, TimeUnit.SECONDS);
            held.rollback().await().atMost(WAIT);
        } finally {
            holder.close().await().atMost(WAIT);
        }
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND selection_status IS NOT NULL", code))
                .as("verdicts written before it stopped").isBetween(1L, 2499L);
        given().get("/v1/waves/" + code + "/draw").then().statusCode(404);
        assertThat(db.count("SELECT count(*) FROM draw_rank r JOIN wave w ON w.id = r.wave_id WHERE w.code = $1", code))
                .as("the ranks of the draw that stopped").isZero();

        DrawResult result = drawNow(code, HexFormat.of().formatHex(seed));

        assertThat(result.eligible()).isEqualTo(2500);
        assertThat(result.selected()).isEqualTo(10);
        assertThat(result.cutoffRank()).isEqualTo(rankOf(byRank.get(9)));
        java.util.List<UUID> selected = db.pool().preparedQuery(
                "SELECT id FROM registration WHERE wave_code = $1 AND selection_status = 'SELECTED' ORDER BY selection_rank")
                .execute(Tuple.of(code)).await().atMost(WAIT).stream().map(row -> row.getUUID(0)).toList();
        assertThat(selected).as("the ten lowest ranks, as anyone recomputes them from the seed").isEqualTo(byRank.subList(0, 10));
        assertThat(db.count("""
                SELECT count(*) FROM registration WHERE wave_code = $1 AND status = 'NOT_SELECTED' AND selection_status = 'NOT_SELECTED'
                  AND selection_rank = encode(sha256(decode($2, 'hex') || convert_to(CAST(id AS text), 'UTF8')), 'hex')""",
                code, HexFormat.of().formatHex(seed))).isEqualTo(2490);
        assertThat(db.count("SELECT count(*) FROM operator_audit WHERE wave_code = $1 AND action = 'DRAW'", code)).isEqualTo(1);
        assertThat(db.count("""
                SELECT count(*) FROM verification_job j JOIN registration r ON r.id = j.registration_id
                WHERE r.wave_code = $1 AND j.kind = 'OUTCOME_NOTICE'""", code)).isEqualTo(10);
    }

    @Test
    void aCallWhoseDrawWasTakenOverWritesNoMoreVerdicts() throws Exception {
        String code = drawWave(10, false);
        BulkRegistrations.addVerified(db, code, 2500);
        close(code);
        long waveId = db.count("SELECT id FROM wave WHERE code = $1", code);
        // In the order the verdicts are written (by id), one registration of the first batch.
        UUID early = db.pool().preparedQuery("SELECT id FROM registration WHERE wave_code = $1 ORDER BY id OFFSET 100 LIMIT 1")
                .execute(Tuple.of(code)).await().atMost(WAIT).iterator().next().getUUID(0);

        SqlConnection holder = db.pool().getConnection().await().atMost(WAIT);
        try {
            Transaction held = holder.begin().await().atMost(WAIT);
            holder.preparedQuery("SELECT 1 FROM registration WHERE id = $1 FOR UPDATE").execute(Tuple.of(early)).await().atMost(WAIT);
            CompletableFuture<DrawResult> draw = CompletableFuture.supplyAsync(() -> drawNow(code));
            awaitDrawWaiting("selection_rank");
            // Another call marks the draw as its own, as one does once the first has stopped renewing its lease.
            CompletableFuture<Void> takeover = CompletableFuture.runAsync(() -> db.execute(
                    "UPDATE wave SET draw_call = gen_random_uuid(), draw_running_until = now() + interval '1 minute' WHERE id = $1",
                    waveId));
            awaitDrawWaiting("draw_running_until");

            held.rollback().await().atMost(WAIT);
            assertThat(draw).failsWithin(20, TimeUnit.SECONDS);
            takeover.get(20, TimeUnit.SECONDS);
        } finally {
            holder.close().await().atMost(WAIT);
        }
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND selection_status IS NOT NULL", code))
                .as("verdicts of the batch that was running when the draw was taken over, no more").isBetween(1000L, 2000L);
        given().get("/v1/waves/" + code + "/draw").then().statusCode(404);
        assertThat(db.count("SELECT count(*) FROM draw_rank WHERE wave_id = $1", waveId))
                .as("the ranks, left to the call that took the draw over").isEqualTo(2500);
        assertThat(db.count("SELECT count(*) FROM wave WHERE id = $1 AND draw_running_until > now()", waveId))
                .as("that call's mark").isEqualTo(1);
    }

    @Test
    void aCallMakingADrawHoldsItOnALeaseItRenewsNotForItsWholeTimeLimit() throws Exception {
        String code = drawWave(10, false);
        BulkRegistrations.addVerified(db, code, 2500);
        close(code);
        long waveId = db.count("SELECT id FROM wave WHERE code = $1", code);
        UUID late = db.pool().preparedQuery("SELECT id FROM registration WHERE wave_code = $1 ORDER BY id OFFSET 2200 LIMIT 1")
                .execute(Tuple.of(code)).await().atMost(WAIT).iterator().next().getUUID(0);

        SqlConnection holder = db.pool().getConnection().await().atMost(WAIT);
        try {
            Transaction held = holder.begin().await().atMost(WAIT);
            holder.preparedQuery("SELECT 1 FROM registration WHERE id = $1 FOR UPDATE").execute(Tuple.of(late)).await().atMost(WAIT);
            CompletableFuture<DrawResult> draw = CompletableFuture.supplyAsync(() -> drawNow(code));
            awaitDrawWaiting("selection_rank");
            // Were this call to die now, another could take the draw over once its lease ran out.
            assertThat(db.count("""
                    SELECT count(*) FROM wave WHERE id = $1 AND draw_call IS NOT NULL
                      AND draw_running_until <= now() + interval '1 second' * $2""", waveId, (double) (WaveDraw.LEASE.toSeconds() + 1)))
                    .as("a lease of " + WaveDraw.LEASE + ", renewed by the batches").isEqualTo(1);
            // The batch waiting for the held row gives up after a second and is tried again: each try
            // renews the lease, in a transaction of its own, so the failed tries do not undo it.
            String leased = "SELECT CAST(extract(epoch FROM draw_running_until) * 1000 AS bigint) FROM wave WHERE id = $1";
            long first = db.count(leased, waveId);
            Thread.sleep(2500);
            assertThat(db.count(leased, waveId)).as("the lease, renewed while the batch waits").isGreaterThan(first);
            held.rollback().await().atMost(WAIT);
            assertThat(draw.get(30, TimeUnit.SECONDS).eligible()).isEqualTo(2500);
        } finally {
            holder.close().await().atMost(WAIT);
        }
        assertThat(db.count("SELECT count(*) FROM wave WHERE id = $1 AND draw_call IS NULL AND draw_running_until IS NULL", waveId))
                .as("the mark, cleared by the publication").isEqualTo(1);
    }

    @Test
    void aReleaseWaitsForThePublicationsHoldOnReleasesAMomentAtMost() throws Exception {
        String code = drawWave(2, false);
        Registered leaving = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        BulkRegistrations.addVerified(db, code, 50);
        close(code);
        long waveId = db.count("SELECT id FROM wave WHERE code = $1", code);

        // A release committing in the wave holds the draw's lock shared (release_registration) while the
        // publication asks for it; a withdrawal comes meanwhile, and queues behind the publication.
        SqlConnection release = db.pool().getConnection().await().atMost(WAIT);
        try {
            Transaction committing = release.begin().await().atMost(WAIT);
            release.preparedQuery("SELECT pg_advisory_xact_lock_shared($1, $2)").execute(Tuple.of(0x44524157, (int) waveId))
                    .await().atMost(WAIT);
            CompletableFuture<DrawResult> draw = CompletableFuture.supplyAsync(() -> drawNow(code));
            awaitDrawWaiting("pg_advisory_xact_lock(");

            long started = System.nanoTime();
            given().header("Authorization", "Bearer " + leaving.token()).delete("/v1/registrations/" + leaving.id())
                    .then().statusCode(204);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the withdrawal, under its 3 s lock timeout")
                    .isLessThan(Duration.ofMillis(2500));

            committing.rollback().await().atMost(WAIT);
            DrawResult result = draw.get(20, TimeUnit.SECONDS);
            assertThat(result.eligible()).isEqualTo(50);
            assertThat(result.selected()).isEqualTo(2);
        } finally {
            release.close().await().atMost(WAIT);
        }
    }

    /** The wave's registrations in rank order, as anyone recomputes it from the seed. */
    private java.util.List<UUID> ranked(String code, byte[] seed) {
        return db.pool().preparedQuery("""
                SELECT id FROM registration WHERE wave_code = $1 AND released_at IS NULL
                ORDER BY sha256(decode($2, 'hex') || convert_to(CAST(id AS text), 'UTF8')), id""")
                .execute(Tuple.of(code, HexFormat.of().formatHex(seed))).await().atMost(WAIT)
                .stream().map(row -> row.getUUID(0)).toList();
    }

    private String rankOf(UUID id) {
        return db.pool().preparedQuery("SELECT selection_rank FROM registration WHERE id = $1").execute(Tuple.of(id))
                .await().atMost(WAIT).iterator().next().getString(0);
    }

    /** Until the draw's statement waits for a row lock (it holds the wave's row by then). */
    private void awaitDrawWaiting() throws InterruptedException {
        awaitDrawWaiting("selection_rank");
    }

    /** Until a statement of the draw that names {@code table} waits for a lock. */
    private void awaitDrawWaiting(String table) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(10);
        while (db.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1", "%" + table + "%") == 0) {
            assertThat(Instant.now()).as("the draw waiting for the held row").isBefore(until);
            Thread.sleep(20);
        }
    }

    private DrawResult drawNow(String code) {
        return drawNow(code, null);
    }

    private DrawResult drawNow(String code, String seedHex) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> draws.draw(code, "operator-key", seedHex));
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static String drawWave(int quota, boolean requireVerifiedNik) {
        return drawWave(quota, requireVerifiedNik, null);
    }

    private static String drawWave(int quota, boolean requireVerifiedNik, String drawCommitment) {
        String code = "C-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new HashMap<>();
        body.put("code", code);
        body.put("opensAt", Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("closesAt", Instant.now().plus(Duration.ofDays(60)).truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("quota", quota);
        body.put("selection", "DRAW");
        body.put("drawRequiresVerifiedNik", requireVerifiedNik);
        if (drawCommitment != null) {
            body.put("drawCommitment", drawCommitment);
        }
        operator().body(body).post("/v1/admin/waves").then().statusCode(201);
        return code;
    }

    private static void close(String code) {
        operator().post("/v1/admin/waves/" + code + "/close").then().statusCode(200);
    }
}
