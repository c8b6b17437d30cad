package id.gelombang.verification.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static id.gelombang.testing.Operator.operator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import id.gelombang.testing.Access;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Mailbox;
import id.gelombang.testing.Mailbox.Mail;
import id.gelombang.testing.SqsEvents;
import id.gelombang.testing.SqsEvents.Message;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.dukcapil.DukcapilClient;
import id.gelombang.verification.service.EmailFeedback;
import id.gelombang.verification.service.JobWorker;
import id.gelombang.wave.draw.DrawResult;
import id.gelombang.wave.draw.DrawSeed;
import id.gelombang.wave.draw.WaveDraw;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Outcome notices (contract v1.2): a registrant is emailed when the registry rejects their NIK (with
 * what to do) and when a draw selects them (or does not, if the wave says so), named only by the
 * masked NIK and the wave code. Notices are queued with the outcome and mailed at the shared pace,
 * and never hold up an email or access code.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
@WithTestResource(DukcapilStub.class)
class OutcomeNoticeTest {

    private static final String SQUATTER_NAME = "Nama Karangan";

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Database db;

    @Inject
    JobWorker worker;

    @Inject
    DukcapilClient dukcapil;

    @Inject
    WaveDraw draws;

    private final WireMockServer registry = DukcapilStub.server();

    @BeforeEach
    void onlyThisTestsJobsAreDue() {
        Jobs.parkAllOpen(db);
        registry.resetAll();
        dukcapil.resetCircuit();
        registry.stubFor(post(DukcapilStub.PATH).willReturn(answer("MATCH")));
        registry.stubFor(post(DukcapilStub.PATH).withRequestBody(matchingJsonPath("$.fullName", WireMock.equalTo(SQUATTER_NAME)))
                .atPriority(1).willReturn(answer("MISMATCH")));
    }

    @Test
    void aRegistrantWhoseNikTheRegistryRejectedIsToldWhatToDo() {
        Map<String, Object> person = Applicants.with(Applicants.with(Applicants.valid(), "fullName", SQUATTER_NAME),
                "email", uniqueEmail());
        Registered r = Api.registerNew(person);
        worker.drain(JobKind.NIK_CHECK, Duration.ofSeconds(30), true);
        Api.get(r).then().statusCode(200).body("status", equalTo("REJECTED"));
        assertThat(Jobs.of(db, r.id(), "OUTCOME_NOTICE").getString("state")).as("queued with the verdict").isEqualTo("PENDING");

        drainEmail();
        List<Mail> notices = notices(person);
        assertThat(notices).hasSize(1);
        Mail notice = notices.get(0);
        String nik = (String) person.get("nik");
        assertThat(notice.subject()).contains((String) person.get("waveCode"));
        assertThat(notice.body()).contains(masked(nik), (String) person.get("waveCode"), "Yang dapat Anda lakukan", "What you can do",
                "Sudah mendaftar? Cek status", "Already registered? Check status");
        assertThat(notice.subject() + notice.body()).as("no full NIK, name, token, id or link with a secret")
                .doesNotContain(nik, SQUATTER_NAME, r.token(), r.id(), "http");
        assertThat(Jobs.of(db, r.id(), "OUTCOME_NOTICE").getString("state")).isEqualTo("DONE");
    }

    @Test
    void aDrawTellsTheSelectedAndTheNotSelectedOnlyWhenTheWaveSaysSo() {
        String quiet = newDrawWave(false);
        String told = newDrawWave(true);
        List<Map<String, Object>> quietPeople = registerInto(quiet, 4);
        List<Map<String, Object>> toldPeople = registerInto(told, 4);
        for (String wave : List.of(quiet, told)) {
            operator().post("/v1/admin/waves/" + wave + "/close").then().statusCode(200);
            operator().post("/v1/admin/waves/" + wave + "/draw").then().statusCode(200).body("selected", equalTo(2));
        }
        assertThat(db.count("SELECT count(*) FROM verification_job j JOIN registration r ON r.id = j.registration_id "
                + "WHERE r.wave_code = $1 AND j.kind = 'OUTCOME_NOTICE' AND j.state = 'PENDING'", quiet)).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM verification_job j JOIN registration r ON r.id = j.registration_id "
                + "WHERE r.wave_code = $1 AND j.kind = 'OUTCOME_NOTICE' AND j.state = 'PENDING'", told)).isEqualTo(4);
        operator().get("/v1/admin/audit?waveCode=" + told + "&limit=1").then().statusCode(200)
                .body("[0].action", equalTo("DRAW")).body("[0].details.notifyNotSelected", equalTo(true));

        drainEmail();
        for (Map<String, Object> person : quietPeople) {
            String status = statusOf(person);
            assertThat(notices(person)).as(status).hasSize("SELECTED".equals(status) ? 1 : 0);
        }
        for (Map<String, Object> person : toldPeople) {
            List<Mail> mails = notices(person);
            assertThat(mails).hasSize(1);
            String expected = "SELECTED".equals(statusOf(person)) ? "Anda terpilih" : "hasil undian";
            assertThat(mails.get(0).subject()).contains(told, expected);
            assertThat(mails.get(0).body()).contains(masked((String) person.get("nik")), told)
                    .doesNotContain((String) person.get("nik"), (String) person.get("fullName"));
        }
    }

    @Test
    void aDrawsVerdictIsMailedOnlyOnceTheDrawIsPublished() throws Exception {
        String wave = newDrawWave(true, 1);
        long waveId = withdrawnBeforeTheDraw(wave);
        List<Map<String, Object>> people = registerInto(wave, 2);
        Jobs.parkAllOpen(db);
        operator().post("/v1/admin/waves/" + wave + "/close").then().statusCode(200);

        SqlConnection holder = db.pool().getConnection().await().atMost(WAIT);
        try {
            // The draw writes its verdicts and their notices, and is held at its publication.
            Transaction held = holder.begin().await().atMost(WAIT);
            holder.preparedQuery("SELECT 1 FROM draw_withdrawal WHERE wave_id = $1 FOR UPDATE").execute(Tuple.of(waveId))
                    .await().atMost(WAIT);
            CompletableFuture<Response> draw = CompletableFuture.supplyAsync(() -> operator().post("/v1/admin/waves/" + wave + "/draw"));
            awaitLockWaiters(1);
            assertThat(db.count("""
                    SELECT count(*) FROM verification_job j JOIN registration r ON r.id = j.registration_id
                    WHERE r.wave_code = $1 AND j.kind = 'OUTCOME_NOTICE' AND j.state = 'PENDING' AND j.run_after > now()""", wave))
                    .as("queued with the verdicts, due once the draw is published at the latest").isEqualTo(2);

            // A worker that meets them before then (here: made due) mails nothing and puts them back.
            db.execute("""
                    UPDATE verification_job SET run_after = now() WHERE kind = 'OUTCOME_NOTICE'
                      AND registration_id IN (SELECT id FROM registration WHERE wave_code = $1)""", wave);
            drainEmail();
            for (Map<String, Object> person : people) {
                assertThat(notices(person)).as("a verdict not published").isEmpty();
                assertThat(Jobs.of(db, (String) person.get("id"), "OUTCOME_NOTICE").getString("last_error"))
                        .isEqualTo("draw-not-published");
                assertThat(Jobs.of(db, (String) person.get("id"), "OUTCOME_NOTICE").getOffsetDateTime("run_after").toInstant())
                        .isAfter(Instant.now());
            }

            held.rollback().await().atMost(WAIT);
            draw.get(20, TimeUnit.SECONDS).then().statusCode(200).body("selected", equalTo(1));
        } finally {
            holder.close().await().atMost(WAIT);
        }
        // Published, they are due at once and say the published outcome.
        drainEmail();
        for (Map<String, Object> person : people) {
            List<Mail> mails = notices(person);
            assertThat(mails).hasSize(1);
            assertThat(mails.get(0).subject()).contains("SELECTED".equals(statusOf(person)) ? "Anda terpilih" : "hasil undian");
        }
    }

    @Test
    void aRejectionAndAVoidWhileTheDrawIsPublishedAreMadeAndTheDrawIsPublished() throws Exception {
        String wave = newDrawWave(true, 2);
        long waveId = withdrawnBeforeTheDraw(wave);
        Map<String, Object> squatter = Applicants.with(Applicants.with(Applicants.with(Applicants.valid(), "fullName", SQUATTER_NAME),
                "waveCode", wave), "email", uniqueEmail());
        squatter.put("id", Api.registerNew(squatter).id());
        List<Map<String, Object>> people = registerInto(wave, 4);
        Map<String, Object> stolen = people.remove(3);
        Jobs.parkAllOpen(db);
        db.execute("UPDATE verification_job SET run_after = now() WHERE registration_id = $1 AND kind = 'NIK_CHECK'",
                UUID.fromString((String) squatter.get("id")));
        operator().post("/v1/admin/waves/" + wave + "/close").then().statusCode(200);

        SqlConnection publication = db.pool().getConnection().await().atMost(WAIT);
        SqlConnection places = db.pool().getConnection().await().atMost(WAIT);
        try {
            // The draw writes its verdicts and is held at its publication's first step. (It is called on
            // the bean: in tests, as on one Lambda instance, HTTP requests are served one at a time.)
            Transaction heldPublication = publication.begin().await().atMost(WAIT);
            publication.preparedQuery("SELECT 1 FROM draw_withdrawal WHERE wave_id = $1 FOR UPDATE").execute(Tuple.of(waveId))
                    .await().atMost(WAIT);
            CompletableFuture<DrawResult> draw = CompletableFuture.supplyAsync(() -> drawNow(wave));
            awaitLockWaiters(1);

            // An operator voids a registration whose verdict is written but not published: nothing holds it up.
            operator().body(Map.of("nik", stolen.get("nik"), "caseReference", "HD-" + ThreadLocalRandom.current().nextInt(1_000_000)))
                    .post("/v1/admin/waves/" + wave + "/voids").then().statusCode(200);

            // The registry rejects the squatter's NIK; its release, which holds the draw's lock shared, is
            // held up on the wave's place counters.
            Transaction heldPlaces = places.begin().await().atMost(WAIT);
            places.preparedQuery("SELECT 1 FROM wave_place WHERE wave_id = $1 FOR UPDATE").execute(Tuple.of(waveId))
                    .await().atMost(WAIT);
            CompletableFuture<JobWorker.Drained> registry = CompletableFuture.supplyAsync(
                    () -> worker.drain(JobKind.NIK_CHECK, Duration.ofSeconds(30), true));
            awaitLockWaiters(2);

            // The publication goes on until it waits for that release, which then commits (well within its
            // lock timeout); the publication counts both releases.
            heldPublication.rollback().await().atMost(WAIT);
            awaitWaitEvent("advisory");
            heldPlaces.rollback().await().atMost(WAIT);
            assertThat(draw.get(30, TimeUnit.SECONDS).selected()).isEqualTo(2);
            registry.get(30, TimeUnit.SECONDS);
        } finally {
            publication.close().await().atMost(WAIT);
            places.close().await().atMost(WAIT);
        }
        assertThat(statusOf(squatter)).isEqualTo("REJECTED");
        assertThat(statusOf(stolen)).isEqualTo("VOIDED");
        RestAssured.given().get("/v1/waves/" + wave + "/draw").then().statusCode(200)
                .body("eligible", equalTo(3)).body("selected", equalTo(2));
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND status = 'SELECTED'", wave)).isEqualTo(2);

        drainEmail();
        assertThat(notices(squatter)).hasSize(1);
        assertThat(notices(squatter).get(0).body()).contains("Yang dapat Anda lakukan");
        assertThat(notices(stolen)).hasSize(1);
        assertThat(notices(stolen).get(0).subject()).contains("dibatalkan");
        for (Map<String, Object> person : people) {
            List<Mail> mails = notices(person);
            assertThat(mails).hasSize(1);
            assertThat(mails.get(0).subject()).contains("SELECTED".equals(statusOf(person)) ? "Anda terpilih" : "hasil undian");
        }
    }

    @Test
    void aRerunThatChangesAVerdictSendsNoNotSelectedNoticeTheWaveDidNotAskFor() throws Exception {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        String hex = HexFormat.of().formatHex(seed);
        String wave = newCode();
        Map<String, Object> body = definition(wave);
        body.put("quota", 1);
        body.put("opensAt", Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("selection", "DRAW");
        body.put("notifyNotSelected", false);
        body.put("drawRequiresVerifiedNik", true);
        body.put("drawCommitment", DrawSeed.commitment(seed));
        operator().body(body).post("/v1/admin/waves").then().statusCode(201);
        long waveId = withdrawnBeforeTheDraw(wave);
        List<Map<String, Object>> people = registerInto(wave, 3);
        Jobs.parkAllOpen(db);
        operator().post("/v1/admin/waves/" + wave + "/close").then().statusCode(200);
        // The highest rank of the three: only it is VERIFIED at the first run, which therefore selects it.
        List<UUID> byRank = db.pool().preparedQuery("""
                SELECT id FROM registration WHERE wave_code = $1 AND released_at IS NULL
                ORDER BY sha256(decode($2, 'hex') || convert_to(CAST(id AS text), 'UTF8')), id""")
                .execute(Tuple.of(wave, hex)).await().atMost(WAIT).stream().map(row -> row.getUUID(0)).toList();
        UUID last = byRank.get(2);
        Map<String, Object> loser = people.stream().filter(p -> last.toString().equals(p.get("id"))).findFirst().orElseThrow();
        db.execute("UPDATE registration SET nik_verification = 'VERIFIED' WHERE id = $1", last);

        // First run: verdicts and notices written, then the publication's statement is cancelled.
        SqlConnection holder = db.pool().getConnection().await().atMost(WAIT);
        try {
            Transaction held = holder.begin().await().atMost(WAIT);
            holder.preparedQuery("SELECT 1 FROM draw_withdrawal WHERE wave_id = $1 FOR UPDATE").execute(Tuple.of(waveId))
                    .await().atMost(WAIT);
            CompletableFuture<DrawResult> first = CompletableFuture.supplyAsync(() -> drawNow(wave, hex));
            awaitLockWaiters(1);
            db.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%draw_withdrawal%'");
            assertThat(first).failsWithin(20, TimeUnit.SECONDS);
            held.rollback().await().atMost(WAIT);
        } finally {
            holder.close().await().atMost(WAIT);
        }
        assertThat(statusOf(loser)).as("the first run's verdict, never published").isEqualTo("SELECTED");
        assertThat(Jobs.of(db, (String) loser.get("id"), "OUTCOME_NOTICE").getString("state")).isEqualTo("PENDING");

        // The registry verifies the other two meanwhile; the second run is published and does not select it.
        db.execute("UPDATE registration SET nik_verification = 'VERIFIED' WHERE wave_code = $1 AND released_at IS NULL", wave);
        assertThat(drawNow(wave, hex).selected()).isEqualTo(1);
        assertThat(statusOf(loser)).isEqualTo("NOT_SELECTED");

        // The first run's notice falls due (a minute past its time limit: here, at once) and the worker runs.
        db.execute("UPDATE verification_job SET run_after = now() WHERE registration_id = $1 AND kind = 'OUTCOME_NOTICE'",
                UUID.fromString((String) loser.get("id")));
        drainEmail();
        assertThat(notices(loser)).as("a NOT_SELECTED notice in a wave created with notifyNotSelected false").isEmpty();
        assertThat(Jobs.of(db, (String) loser.get("id"), "OUTCOME_NOTICE").getString("state")).isEqualTo("DONE");
        for (Map<String, Object> person : people) {
            if ("SELECTED".equals(statusOf(person))) {
                assertThat(notices(person)).hasSize(1).allSatisfy(mail -> assertThat(mail.subject()).contains("Anda terpilih"));
            } else {
                assertThat(notices(person)).isEmpty();
            }
        }
    }


    @Test
    void notifyNotSelectedIsValidatedLikeTheOtherDrawSettings() {
        Map<String, Object> firstCome = definition(newCode());
        firstCome.put("notifyNotSelected", true);
        operator().body(firstCome).post("/v1/admin/waves").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("notifyNotSelected"));
        Map<String, Object> notABoolean = definition(newCode());
        notABoolean.put("selection", "DRAW");
        notABoolean.put("notifyNotSelected", "yes please");
        operator().body(notABoolean).post("/v1/admin/waves").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("notifyNotSelected"));
        Map<String, Object> draw = definition(newCode());
        draw.put("selection", "DRAW");
        operator().body(draw).post("/v1/admin/waves").then().statusCode(201).body("notifyNotSelected", equalTo(false));
    }

    @Test
    void aNoticeNeverHoldsUpACode() throws Exception {
        Map<String, Object> earlier = Applicants.with(Applicants.valid(), "email", uniqueEmail());
        Api.registerNew(earlier);
        // Enough notices that some are still waiting when the codes go, even when the mailbox is read late (SES in LocalStack).
        int drawn = 20;
        String wave = newDrawWave(false, drawn);
        List<Map<String, Object>> people = registerInto(wave, drawn);
        Jobs.parkAllOpen(db);
        operator().post("/v1/admin/waves/" + wave + "/close").then().statusCode(200);
        operator().post("/v1/admin/waves/" + wave + "/draw").then().statusCode(200).body("selected", equalTo(drawn));

        // Three loops at once, as a worker with parallel=3 runs: each could hold a notice when the codes come.
        CompletableFuture<JobWorker.Drained> draining = CompletableFuture.supplyAsync(
                () -> worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(60), true, 3));
        awaitMails(people, 2);
        Instant asked = Instant.now();
        Map<String, Object> newcomer = Applicants.with(Applicants.valid(), "email", uniqueEmail());
        Api.registerNew(newcomer); // its email code
        Access.requestCode(earlier).then().statusCode(202); // and an access code
        draining.get();

        List<Instant> noticesSent = new ArrayList<>();
        for (Map<String, Object> person : people) {
            noticesSent.addAll(notices(person).stream().map(Mail::at).toList());
        }
        Instant emailCodeSent = Mailbox.to((String) newcomer.get("email")).get(0).at();
        Instant accessCodeSent = Mailbox.to((String) earlier.get("email"), Mailbox.ACCESS_CODE_SUBJECT).get(0).at();
        assertThat(noticesSent).hasSize(drawn);
        Instant codesSent = emailCodeSent.isAfter(accessCodeSent) ? emailCodeSent : accessCodeSent;
        long noticesBetween = noticesSent.stream().filter(at -> at.isAfter(asked) && at.isBefore(codesSent)).count();
        long noticesAfter = noticesSent.stream().filter(at -> at.isAfter(codesSent)).count();
        assertThat(noticesBetween).as("notices mailed after the codes were asked for and before they went").isLessThanOrEqualTo(1);
        assertThat(noticesAfter).as("notices still waiting when the codes went out").isGreaterThanOrEqualTo(3);

        List<Instant> everything = new ArrayList<>(noticesSent);
        everything.add(emailCodeSent);
        everything.add(accessCodeSent);
        everything.sort(null);
        assertThat(RateWindows.maxPerSecond(everything)).as("mails in any one second, codes and notices together")
                .isLessThanOrEqualTo(DukcapilStub.EMAIL_RATE_PER_SECOND);
    }

    @Test
    void noticesLeaveTheLastOfTheDaysQuotaToCodes() {
        Map<String, Object> person = Applicants.with(Applicants.with(Applicants.valid(), "fullName", SQUATTER_NAME),
                "email", uniqueEmail());
        Registered rejected = Api.registerNew(person);
        worker.drain(JobKind.NIK_CHECK, Duration.ofSeconds(30), true);
        Jobs.parkAllOpen(db);
        db.execute("UPDATE verification_job SET run_after = now() WHERE registration_id = $1 AND kind = 'OUTCOME_NOTICE'",
                UUID.fromString(rejected.id()));
        Access.requestCode(person).then().statusCode(202);
        // 80 % of the day's 100,000 mails are used: what is left is the codes'.
        long used = db.count("SELECT coalesce(max(used_today), 0) FROM outbound_gate WHERE name = 'email'");
        db.execute("""
                INSERT INTO outbound_gate (name, next_slot, quota_day, used_today)
                VALUES ('email', now(), (now() AT TIME ZONE 'Asia/Jakarta')::date, 80000)
                ON CONFLICT (name) DO UPDATE SET used_today = 80000, quota_day = excluded.quota_day""");
        try {
            drainEmail();
        } finally {
            db.execute("UPDATE outbound_gate SET used_today = $1 WHERE name = 'email'", (int) used);
        }
        assertThat(Mailbox.to((String) person.get("email"), Mailbox.ACCESS_CODE_SUBJECT)).as("the access code").hasSize(1);
        assertThat(notices(person)).as("the notice waits for tomorrow's quota").isEmpty();
        assertThat(Jobs.of(db, rejected.id(), "OUTCOME_NOTICE").getString("state")).isEqualTo("PENDING");
        assertThat(Jobs.of(db, rejected.id(), "OUTCOME_NOTICE").getString("last_error")).isEqualTo("email-notice-share-used");
    }

    @Test
    void noNoticeGoesToAnAddressThatBounced() {
        String dead = uniqueEmail();
        Map<String, Object> person = Applicants.with(Applicants.with(Applicants.valid(), "fullName", SQUATTER_NAME), "email", dead);
        Registered r = Api.registerNew(person);
        drainEmail();
        SqsEvents.invoke(EmailFeedback.class, List.of(new Message(SqsEvents.sesBounce(dead, "Permanent"))));
        int mailsToTheDeadAddress = Mailbox.to(dead).size();
        worker.drain(JobKind.NIK_CHECK, Duration.ofSeconds(30), true);
        Api.get(r).then().body("status", equalTo("REJECTED"));

        drainEmail();
        assertThat(Mailbox.to(dead)).as("SES would count another bounce").hasSize(mailsToTheDeadAddress);
        assertThat(Jobs.of(db, r.id(), "OUTCOME_NOTICE").getString("state")).isEqualTo("DONE");
    }

    /**
     * A registrant verified by the registry withdraws from the draw wave before its draw: its NIK's
     * digest is kept until the draw's publication forgets it, the publication's first step, where a
     * test can hold it. Returns the wave's id.
     */
    private long withdrawnBeforeTheDraw(String wave) {
        Registered early = Api.registerNew(Applicants.with(Applicants.with(Applicants.valid(), "waveCode", wave), "email", uniqueEmail()));
        db.execute("UPDATE registration SET nik_verification = 'VERIFIED' WHERE id = $1", UUID.fromString(early.id()));
        RestAssured.given().header("Authorization", "Bearer " + early.token()).delete("/v1/registrations/" + early.id())
                .then().statusCode(204);
        return db.count("SELECT id FROM wave WHERE code = $1", wave);
    }

    /** Until at least {@code count} statements wait for a lock. */
    private void awaitLockWaiters(int count) throws InterruptedException {
        Instant until = Instant.now().plus(WAIT);
        while (db.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") < count) {
            assertThat(Instant.now()).as(count + " statements waiting for a lock").isBefore(until);
            Thread.sleep(10);
        }
    }

    /** Until a statement waits for a lock of this kind ({@code advisory}: the draw's lock). */
    private void awaitWaitEvent(String event) throws InterruptedException {
        Instant until = Instant.now().plus(WAIT);
        while (db.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = $1", event) == 0) {
            assertThat(Instant.now()).as("a statement waiting for a lock of kind " + event).isBefore(until);
            Thread.sleep(10);
        }
    }

    private void awaitMails(List<Map<String, Object>> people, int count) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (people.stream().mapToInt(p -> notices(p).size()).sum() >= count) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no notice went out");
    }

    private DrawResult drawNow(String wave) {
        return drawNow(wave, null);
    }

    private DrawResult drawNow(String wave, String seedHex) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> draws.draw(wave, "operator-key", seedHex));
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private String statusOf(Map<String, Object> person) {
        return db.registration((String) person.get("id")).getString("status");
    }

    private List<Map<String, Object>> registerInto(String wave, int count) {
        List<Map<String, Object>> people = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> person = Applicants.with(Applicants.with(Applicants.valid(), "waveCode", wave), "email", uniqueEmail());
            person.put("id", Api.registerNew(person).id());
            people.add(person);
        }
        return people;
    }

    private static String newDrawWave(boolean notifyNotSelected) {
        return newDrawWave(notifyNotSelected, 2);
    }

    private static String newDrawWave(boolean notifyNotSelected, int quota) {
        String code = newCode();
        Map<String, Object> body = definition(code);
        body.put("quota", quota);
        body.put("opensAt", Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("selection", "DRAW");
        body.put("notifyNotSelected", notifyNotSelected);
        operator().body(body).post("/v1/admin/waves").then().statusCode(201).body("notifyNotSelected", equalTo(notifyNotSelected));
        return code;
    }

    private static Map<String, Object> definition(String code) {
        Map<String, Object> body = new HashMap<>();
        body.put("code", code);
        body.put("opensAt", Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("closesAt", Instant.now().plus(Duration.ofDays(60)).truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("quota", 2);
        return body;
    }

    private void drainEmail() {
        worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(60), true);
    }

    /** Mails to the person that are neither codes: the notices. */
    private static List<Mail> notices(Map<String, Object> person) {
        return Mailbox.to((String) person.get("email"), "Pendaftaran Gelombang");
    }

    private static String masked(String nik) {
        return nik.substring(0, 4) + "************" + nik.substring(12);
    }

    private static String newCode() {
        return "N-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String uniqueEmail() {
        return "o" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "@example.com";
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer(String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"result\": \"" + result + "\"}");
    }
}
