package id.gelombang.retention;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.storage.UploadConfig;
import id.gelombang.testing.Access;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Photos;
import id.gelombang.testing.S3Upload;
import id.gelombang.testing.Traces;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The retention job erases personal data of waves past their retention period, within each
 * wave's scope, and nothing else; running it again changes nothing; a run that fails mid-batch
 * leaves a state the next run completes.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class RetentionTest {

    @Inject
    PersonalDataProtection protection;

    @Inject
    Database db;

    @Inject
    S3Client s3;

    @Inject
    UploadConfig uploads;

    @Test
    void onlyWavesPastRetentionAreErasedAndOnlyWithinTheirScope() {
        // First come, keep the ones holding a place: A keeps it, B was rejected and released, C withdrew.
        String firstCome = wave("NOT_SELECTED");
        Registered a = withPhoto(firstCome);
        Registered b = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", firstCome));
        db.execute("""
                UPDATE registration SET status = 'REJECTED', nik_verification = 'REJECTED', released_at = now()
                WHERE id = $1""", UUID.fromString(b.id()));
        Registered c = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", firstCome));
        given().header("Authorization", "Bearer " + c.token()).delete("/v1/registrations/" + c.id()).then().statusCode(204);
        // Everyone goes.
        String all = wave("ALL");
        Registered d = withPhoto(all);
        Registered e = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", all));
        // A drawn wave keeps only the selected.
        String drawn = wave("NOT_SELECTED");
        Map<String, Object> fBody = Applicants.with(Applicants.valid(), "waveCode", drawn);
        Registered f = Api.registerNew(fBody);
        Map<String, Object> gBody = Applicants.with(Applicants.valid(), "waveCode", drawn);
        Registered g = Api.registerNew(gBody);
        Registered h = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", drawn));
        db.execute("UPDATE wave SET selection = 'DRAW', drawn_at = now(), draw_eligible = 3, draw_selected = 1 WHERE code = $1", drawn);
        db.execute("UPDATE registration SET status = 'SELECTED', selection_status = 'SELECTED' WHERE id = $1", UUID.fromString(f.id()));
        db.execute("UPDATE registration SET status = 'NOT_SELECTED', selection_status = 'NOT_SELECTED' WHERE id = $1",
                UUID.fromString(g.id()));
        // Both came back for their verdict with an access code, and both still have a notice of it to be mailed.
        for (Map<String, Object> body : List.of(fBody, gBody)) {
            Access.requestCode(body).then().statusCode(202);
        }
        db.execute("""
                INSERT INTO verification_job (registration_id, kind, run_after, created_at)
                SELECT unnest($1::uuid[]), 'OUTCOME_NOTICE', 'infinity', now()""",
                (Object) new UUID[] {UUID.fromString(f.id()), UUID.fromString(g.id())});
        // Closed only ten days ago: within its 90 days.
        String recent = wave("ALL");
        Registered i = withPhoto(recent);
        Instant withdrawnErasedAt = db.registration(c.id()).getOffsetDateTime("erased_at").toInstant();

        closeDaysAgo(firstCome, 100);
        closeDaysAgo(all, 100);
        closeDaysAgo(drawn, 100);
        closeDaysAgo(recent, 10);
        String aPhoto = db.registration(a.id()).getString("ktp_object_key");
        String dPhoto = db.registration(d.id()).getString("ktp_object_key");
        String iPhoto = db.registration(i.id()).getString("ktp_object_key");

        Response run = runRetention(500);
        run.then().statusCode(200).body("complete", equalTo(true));
        assertThat(erasedIn(run, firstCome)).isEqualTo(1);
        assertThat(erasedIn(run, all)).isEqualTo(2);
        assertThat(erasedIn(run, drawn)).isEqualTo(2);
        assertThat(erasedIn(run, recent)).isZero();

        for (Registered erased : List.of(b, d, e, g, h)) {
            assertErased(erased);
        }
        assertThat(db.count("SELECT count(*) FROM access_code WHERE registration_id = $1", UUID.fromString(g.id())))
                .as("the erased registrant's access code").isZero();
        assertThat(Jobs.of(db, g.id(), "OUTCOME_NOTICE").getString("state")).as("the erased registrant's notice")
                .isEqualTo("CANCELLED");
        Access.requestCode(gBody).then().statusCode(202);
        assertThat(db.count("SELECT count(*) FROM verification_job WHERE registration_id = $1 AND kind = 'ACCESS_CODE' "
                + "AND state = 'PENDING'", UUID.fromString(g.id()))).as("an erased registration gets no code").isZero();
        assertThat(db.count("SELECT count(*) FROM access_code WHERE registration_id = $1", UUID.fromString(f.id()))).isOne();
        assertThat(Jobs.of(db, f.id(), "OUTCOME_NOTICE").getString("state")).isEqualTo("PENDING");
        for (Registered kept : List.of(a, f, i)) {
            assertThat(db.registration(kept.id()).getValue("erased_at")).isNull();
            Api.get(kept).then().statusCode(200).body("nikMasked", org.hamcrest.Matchers.notNullValue());
            assertThat(replies(kept)).isEqualTo(1);
        }
        assertThat(db.registration(c.id()).getOffsetDateTime("erased_at").toInstant()).isEqualTo(withdrawnErasedAt);
        assertGone(dPhoto);
        assertThat(s3.headObject(r -> r.bucket(uploads.bucket().orElseThrow()).key(aPhoto)).contentLength()).isPositive();
        assertThat(s3.headObject(r -> r.bucket(uploads.bucket().orElseThrow()).key(iPhoto)).contentLength()).isPositive();
        // Statuses stay for counting; the registrant still sees their registration, without personal data.
        Api.get(d).then().statusCode(200).body("status", equalTo("REGISTERED")).body("nikMasked", nullValue())
                .body("email.address", nullValue());
        Api.get(g).then().statusCode(200).body("status", equalTo("NOT_SELECTED"));
        assertThat(audited(firstCome)).containsExactly(1L);
        assertThat(audited(all)).containsExactly(2L);
        assertThat(audited(drawn)).containsExactly(2L);
        assertThat(audited(recent)).isEmpty();

        // A second run finds nothing more to do.
        Response again = runRetention(500);
        again.then().statusCode(200);
        for (String wave : List.of(firstCome, all, drawn, recent)) {
            assertThat(erasedIn(again, wave)).isZero();
        }
        assertThat(audited(firstCome)).containsExactly(1L);
        assertThat(audited(all)).containsExactly(2L);
        for (Registered kept : List.of(a, f, i)) {
            assertThat(db.registration(kept.id()).getValue("personal_data")).isNotNull();
        }
    }

    /**
     * Contract v1.2: a draw wave's registrations are never erased before its draw, whatever the
     * scope, however late the draw; once drawn, its retention runs as for any wave.
     */
    @Test
    void aDrawWaveIsNotErasedBeforeItsDraw() {
        String notSelected = wave("NOT_SELECTED");
        String all = wave("ALL");
        Map<String, Registered> registrants = new HashMap<>();
        for (String wave : List.of(notSelected, all)) {
            registrants.put(wave, Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", wave)));
            db.execute("UPDATE wave SET selection = 'DRAW' WHERE code = $1", wave);
            closeDaysAgo(wave, 100);
        }

        Response run = runRetention(500);

        run.then().statusCode(200);
        for (String wave : List.of(notSelected, all)) {
            assertThat(erasedIn(run, wave)).as(wave).isZero();
            Registered r = registrants.get(wave);
            assertThat(db.registration(r.id()).getValue("personal_data")).as("undrawn, so still in the draw").isNotNull();
            assertThat(db.registration(r.id()).getValue("nik_digest")).isNotNull();
            Api.get(r).then().statusCode(200).body("nikMasked", org.hamcrest.Matchers.notNullValue());
        }
        assertThat(audited(notSelected)).isEmpty();

        // The draw (long after the retention fell due): it did not select them.
        for (String wave : List.of(notSelected, all)) {
            db.execute("UPDATE registration SET status = 'NOT_SELECTED', selection_status = 'NOT_SELECTED' WHERE id = $1",
                    UUID.fromString(registrants.get(wave).id()));
            db.execute("UPDATE wave SET drawn_at = now(), draw_eligible = 1, draw_selected = 0 WHERE code = $1", wave);
        }
        Response afterDraw = runRetention(500);

        for (String wave : List.of(notSelected, all)) {
            assertThat(erasedIn(afterDraw, wave)).as(wave).isOne();
            assertErased(registrants.get(wave));
        }
    }

    /**
     * After retention erased a registrant, a scan of every table's raw contents finds none of their
     * values nor any keyed digest of them (the family card's count held the KK's), and the bucket
     * holds no object of theirs.
     */
    @Test
    void afterRetentionNothingOfTheRegistrantIsLeftAnywhere() {
        String wave = wave("ALL");
        Map<String, Object> person = Applicants.with(Applicants.valid(), "waveCode", wave);
        Registered r = Api.registerNew(person);
        byte[] file = Photos.jpeg(3_100);
        String pendingKey = S3Upload.upload(r, "image/jpeg", file);
        Api.confirm(r).then().statusCode(200);
        String photoKey = db.registration(r.id()).getString("ktp_object_key");
        Access.requestCode(person).then().statusCode(202);
        closeDaysAgo(wave, 100);

        runRetention(500).then().statusCode(200);

        List<String> values = new ArrayList<>(Traces.personalValuesOf(protection, person));
        values.add(r.token());
        assertThat(Traces.inDatabase(db, values)).isEmpty();
        assertThat(Traces.inBucket(s3, uploads.bucket().orElseThrow(), java.util.Set.of(Traces.sha256Hex(file)))).isEmpty();
        assertThat(Traces.keysInBucket(s3, uploads.bucket().orElseThrow())).doesNotContain(pendingKey, photoKey)
                .noneMatch(key -> key.contains(r.id()));
    }

    /**
     * A wave whose retention has nothing left to do is marked done (its published schedule entry then
     * stops waking the job); a kept registration whose NIK check is still open keeps it pending (a
     * rejection would release it into the scope); a change of the retention settings opens it again.
     */
    @Test
    void aWaveIsDoneWhenNothingInItsScopeIsLeftAndOpensAgainWhenItsRetentionChanges() {
        String done = wave("ALL");
        Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", done));
        String checking = wave("NOT_SELECTED");
        Registered kept = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", checking));
        closeDaysAgo(done, 100);
        closeDaysAgo(checking, 100);

        runRetention(500).then().statusCode(200);

        assertThat(db.count("SELECT count(*) FROM wave WHERE code = $1 AND retention_done_at IS NOT NULL", done)).isOne();
        assertThat(db.count("SELECT count(*) FROM wave WHERE code = $1 AND retention_done_at IS NOT NULL", checking))
                .as("its kept registration's NIK check is open").isZero();
        assertThat(awaitsRetentionInPublishedSchedule(done)).isFalse();
        assertThat(awaitsRetentionInPublishedSchedule(checking)).isTrue();

        db.execute("UPDATE verification_job SET state = 'DONE', finished_at = now() WHERE registration_id = $1 AND kind = 'NIK_CHECK'",
                UUID.fromString(kept.id()));
        runRetention(500).then().statusCode(200);
        assertThat(db.count("SELECT count(*) FROM wave WHERE code = $1 AND retention_done_at IS NOT NULL", checking)).isOne();
        assertThat(db.registration(kept.id()).getValue("personal_data")).as("kept by its scope").isNotNull();

        operator().body(Map.of("retentionScope", "ALL")).patch("/v1/admin/waves/" + checking).then().statusCode(200);
        assertThat(db.count("SELECT count(*) FROM wave WHERE code = $1 AND retention_done_at IS NULL", checking)).isOne();
        assertThat(awaitsRetentionInPublishedSchedule(checking)).isTrue();
        Response run = runRetention(500);
        assertThat(erasedIn(run, checking)).isOne();
        assertErased(kept);
    }

    /** Whether the published schedule object, read from the bucket, lists the wave as awaiting its retention. */
    private boolean awaitsRetentionInPublishedSchedule(String wave) {
        try {
            var entries = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    s3.getObjectAsBytes(r -> r.bucket(uploads.bucket().orElseThrow()).key("schedule/waves.json")).asByteArray());
            for (var entry : entries) {
                if (wave.equals(entry.path("code").asText())) {
                    return entry.path("retentionPending").asBoolean();
                }
            }
            return false;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRunThatFailsMidBatchLeavesAStateTheNextRunCompletes() {
        String wave = wave("ALL");
        List<Registered> registrants = new ArrayList<>();
        List<String> photos = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            Registered r = withPhoto(wave);
            registrants.add(r);
            photos.add(db.registration(r.id()).getString("ktp_object_key"));
        }
        closeDaysAgo(wave, 100);
        Registered victim = registrants.get(3);
        // The database refuses to erase one row: that batch's transaction fails after its S3 deletes.
        db.execute("""
                CREATE FUNCTION retention_test_failure() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF OLD.id = '%s' AND NEW.erased_at IS NOT NULL THEN
                        RAISE EXCEPTION 'injected failure';
                    END IF;
                    RETURN NEW;
                END $$""".formatted(victim.id()));
        try {
            db.execute("""
                    CREATE TRIGGER retention_test_failure BEFORE UPDATE ON registration
                    FOR EACH ROW EXECUTE FUNCTION retention_test_failure()""");
            runRetention(2).then().statusCode(500).contentType("application/problem+json");
        } finally {
            db.execute("DROP TRIGGER IF EXISTS retention_test_failure ON registration");
            db.execute("DROP FUNCTION IF EXISTS retention_test_failure()");
        }
        long erased = db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND erased_at IS NOT NULL", wave);
        assertThat(erased % 2).as("only whole batches were erased").isZero();
        assertThat(erased).as("the failed batch, victim and batch-mate, rolled back").isLessThanOrEqualTo(4);
        assertThat(db.registration(victim.id()).getValue("erased_at")).isNull();
        assertThat(db.registration(victim.id()).getValue("personal_data")).isNotNull();
        assertThat(audited(wave).stream().mapToLong(Long::longValue).sum()).isEqualTo(erased);

        runRetention(2).then().statusCode(200);

        for (Registered r : registrants) {
            assertErased(r);
        }
        photos.forEach(this::assertGone);
        assertThat(audited(wave).stream().mapToLong(Long::longValue).sum()).isEqualTo(6);
    }

    @Test
    void storedRepliesAreForgottenOnceTheirReplayWindowHasPassed() {
        String wave = db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), 1);
        String createdKey = UUID.randomUUID().toString();
        Api.register(createdKey, Applicants.with(Applicants.valid(), "waveCode", wave)).then().statusCode(201);
        List<String> fullReplies = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            String key = UUID.randomUUID().toString();
            Api.register(key, Applicants.with(Applicants.valid(), "waveCode", wave)).then().statusCode(409)
                    .body("type", endsWith("/wave-full"));
            fullReplies.add(id.gelombang.common.crypto.Digests.sha256Hex(key));
        }
        String created = id.gelombang.common.crypto.Digests.sha256Hex(createdKey);
        // The contract keeps a key at least 24 hours; replies go after 48 (a 201's holds the token).
        db.execute("UPDATE idempotency_key SET created_at = now() - interval '49 hours' WHERE key_digest = $1", fullReplies.get(0));
        db.execute("UPDATE idempotency_key SET created_at = now() - interval '49 hours' WHERE key_digest = $1", created);
        db.execute("UPDATE idempotency_key SET created_at = now() - interval '47 hours' WHERE key_digest = $1", fullReplies.get(1));

        runRetention(500).then().statusCode(200);

        assertThat(db.count("SELECT count(*) FROM idempotency_key WHERE key_digest = $1", fullReplies.get(0))).isZero();
        assertThat(db.count("SELECT count(*) FROM idempotency_key WHERE key_digest = $1", created)).isZero();
        assertThat(db.count("SELECT count(*) FROM idempotency_key WHERE key_digest = $1", fullReplies.get(1))).isOne();
    }

    @Test
    void accessCodeRowsAreForgottenADayAfterTheirLastRequestUnlessTheirCodeMayStillBeUsed() {
        // One NIK with no registration, one whose code waited long in the queue and was mailed just now, one recent.
        String stranger = Applicants.nik(LocalDate.of(1978, 9, 1), true, 1 + (int) (System.nanoTime() % 9_000));
        Map<String, Object> late = Applicants.valid();
        Api.registerNew(late);
        Map<String, Object> recent = Applicants.valid();
        Api.registerNew(recent);
        Access.requestCode(stranger, "1978-09-01").then().statusCode(202);
        Access.requestCode(late).then().statusCode(202);
        Access.requestCode(recent).then().statusCode(202);
        db.execute("UPDATE access_code SET requested_at = now() - interval '25 hours' WHERE nik_digest = $1", digest(stranger));
        db.execute("UPDATE access_code SET requested_at = now() - interval '25 hours', sent_at = now() - interval '5 minutes' "
                + "WHERE nik_digest = $1", digest((String) late.get("nik")));

        runRetention(500).then().statusCode(200).body("accessCodesForgotten", greaterThanOrEqualTo(1));

        assertThat(db.count("SELECT count(*) FROM access_code WHERE nik_digest = $1", digest(stranger))).isZero();
        assertThat(db.count("SELECT count(*) FROM access_code WHERE nik_digest = $1", digest((String) late.get("nik")))).isOne();
        assertThat(db.count("SELECT count(*) FROM access_code WHERE nik_digest = $1", digest((String) recent.get("nik")))).isOne();
    }

    private io.vertx.core.buffer.Buffer digest(String nik) {
        return io.vertx.core.buffer.Buffer.buffer(protection.lookupDigest("nik", nik));
    }

    @Test
    void operatorsSetRetentionPerWaveAndMayChangeItAfterTheClose() {
        String code = "R-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new HashMap<>();
        body.put("code", code);
        body.put("opensAt", Instant.now().plus(Duration.ofDays(1)).toString());
        body.put("closesAt", Instant.now().plus(Duration.ofDays(2)).toString());
        body.put("quota", 0);
        body.put("retentionDays", 0);
        body.put("retentionScope", "SOME");
        operator().body(body).post("/v1/admin/waves").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("quota", "retentionDays", "retentionScope"));

        body.put("quota", 10);
        body.remove("retentionDays");
        body.remove("retentionScope");
        operator().body(body).post("/v1/admin/waves").then().statusCode(201)
                .body("retentionDays", equalTo(90)).body("retentionScope", equalTo("NOT_SELECTED"));
        operator().body(Map.of("retentionDays", 30, "retentionScope", "ALL")).patch("/v1/admin/waves/" + code)
                .then().statusCode(200).body("retentionDays", equalTo(30)).body("retentionScope", equalTo("ALL"));
        operator().body(Map.of("retentionDays", 731)).patch("/v1/admin/waves/" + code)
                .then().statusCode(400).body("errors.field", containsInAnyOrder("retentionDays"));

        operator().post("/v1/admin/waves/" + code + "/close").then().statusCode(200);
        operator().body(Map.of("retentionDays", 365)).patch("/v1/admin/waves/" + code)
                .then().statusCode(200).body("retentionDays", equalTo(365)).body("status", equalTo("CLOSED"));
        operator().body(Map.of("quota", 20)).patch("/v1/admin/waves/" + code)
                .then().statusCode(409).body("type", endsWith("/wave-closed"));
    }

    @Test
    void ranksADrawCouldNotDeleteAreSweptOnceNoCallIsMakingThatDraw() {
        Instant opened = Instant.now().minus(Duration.ofDays(3));
        Instant closed = Instant.now().minus(Duration.ofDays(2));
        String published = db.createWave(opened, closed, 5);
        String justPublished = db.createWave(opened, closed, 5);
        String stopped = db.createWave(opened, closed, 5);
        String died = db.createWave(opened, closed, 5);
        String running = db.createWave(opened, closed, 5);
        db.execute("UPDATE wave SET drawn_at = now() - interval '1 hour', draw_eligible = 3, draw_selected = 1 WHERE code = $1",
                published);
        db.execute("UPDATE wave SET drawn_at = now(), draw_eligible = 3, draw_selected = 1 WHERE code = $1", justPublished);
        db.execute("UPDATE wave SET draw_call = gen_random_uuid(), draw_running_until = now() - interval '1 hour' WHERE code = $1",
                died);
        db.execute("UPDATE wave SET draw_call = gen_random_uuid(), draw_running_until = now() + interval '10 minutes' WHERE code = $1",
                running);
        for (String wave : List.of(published, justPublished, stopped, died, running)) {
            db.execute("""
                    INSERT INTO draw_rank (wave_id, registration_id, digest, selected)
                    SELECT w.id, gen_random_uuid(), sha256(convert_to(w.code || n, 'UTF8')), n = 1
                    FROM wave w, generate_series(1, 3) AS n WHERE w.code = $1""", wave);
        }
        try {
            runRetention(1000).then().statusCode(200);
            assertThat(ranksOf(published)).as("the ranks of a published draw").isZero();
            assertThat(ranksOf(stopped)).as("the ranks of a draw that stopped and was not run again").isZero();
            assertThat(ranksOf(died)).as("the ranks of a draw whose call died long ago").isZero();
            assertThat(ranksOf(running)).as("the ranks of the draw being made").isEqualTo(3);
            assertThat(ranksOf(justPublished)).as("the ranks a publication's last step still reads").isEqualTo(3);
        } finally {
            db.execute("DELETE FROM draw_rank WHERE wave_id IN (SELECT id FROM wave WHERE code = ANY($1))",
                    (Object) new String[] {running, justPublished});
        }
    }

    private long ranksOf(String wave) {
        return db.count("SELECT count(*) FROM draw_rank WHERE wave_id = (SELECT id FROM wave WHERE code = $1)", wave);
    }

    @Test
    void theRunRouteRefusesBadLimits() {
        given().post("/internal/retention/run?batchSize=0").then().statusCode(400).contentType("application/problem+json");
        given().post("/internal/retention/run?seconds=0").then().statusCode(400).contentType("application/problem+json");
    }

    private String wave(String scope) {
        String code = db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), 100);
        db.execute("UPDATE wave SET retention_scope = $1 WHERE code = $2", scope, code);
        return code;
    }

    private void closeDaysAgo(String wave, int days) {
        db.execute("""
                UPDATE wave SET opens_at = now() - make_interval(days => $1 + 5), closes_at = now() - make_interval(days => $1)
                WHERE code = $2""", days, wave);
    }

    /** A registrant whose confirmed KTP photo is in the bucket. */
    private static Registered withPhoto(String wave) {
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", wave));
        S3Upload.upload(r, "image/jpeg", Photos.jpeg(3_000));
        Api.confirm(r).then().statusCode(200);
        return r;
    }

    private void assertErased(Registered r) {
        var row = db.registration(r.id());
        assertThat(row.getValue("erased_at")).as("erased_at").isNotNull();
        assertThat(row.getValue("personal_data")).isNull();
        assertThat(row.getValue("nik_digest")).isNull();
        assertThat(row.getValue("kk_digest")).isNull();
        assertThat(row.getString("ktp_object_key")).isNull();
        assertThat(db.count("SELECT count(*) FROM email_code WHERE registration_id = $1", UUID.fromString(r.id()))).isZero();
        assertThat(replies(r)).isZero();
    }

    private long replies(Registered r) {
        return db.count("SELECT count(*) FROM idempotency_key WHERE registration_id = $1", UUID.fromString(r.id()));
    }

    private void assertGone(String key) {
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(uploads.bucket().orElseThrow()).key(key))).isInstanceOf(NoSuchKeyException.class);
    }

    /** The erased counts of the wave's RETENTION_RUN audit rows, oldest first. */
    private List<Long> audited(String wave) {
        List<Long> counts = new ArrayList<>();
        db.pool().preparedQuery("""
                SELECT (details->>'erased')::bigint FROM operator_audit
                WHERE actor = 'retention-job' AND action = 'RETENTION_RUN' AND wave_code = $1 ORDER BY id""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(wave)).await().atMost(Duration.ofSeconds(10))
                .forEach(row -> counts.add(row.getLong(0)));
        return counts;
    }

    private static Response runRetention(int batchSize) {
        return given().post("/internal/retention/run?batchSize=" + batchSize);
    }

    private static long erasedIn(Response run, String wave) {
        List<Map<String, Object>> waves = run.path("waves");
        return waves.stream().filter(w -> wave.equals(w.get("code"))).mapToLong(w -> ((Number) w.get("erased")).longValue()).sum();
    }
}
