package id.gelombang.wave.draw;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.oneOf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Operator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.Response;

/**
 * Draw waves: the seed is committed while the wave is open, revealed by the draw, and every rank
 * can be recomputed here from the published seed and the registration's id alone.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class WaveDrawTest {

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String HEX_256 = "[0-9a-f]{64}";

    @Inject
    Database db;

    @Inject
    WaveDraw draws;

    @Test
    void theSeedIsCommittedWhileOpenAndAnyoneCanRecomputeTheDraw() throws Exception {
        // Opened before every other test wave, so that GET /v1/waves/current shows it while it is open.
        String code = newCode();
        Response created = createDrawWave(code, Instant.parse("2019-06-01T00:00:00Z"), 4, false);
        created.then().statusCode(201).body("selection", equalTo("DRAW")).body("remaining", nullValue())
                .body("drawCommitment", matchesPattern(HEX_256)).body("drawRequiresVerifiedNik", equalTo(false));
        String commitment = created.path("drawCommitment");
        List<Registered> registrants = new ArrayList<>();
        Registered rejected;
        Registered withdrawn;
        try {
            given().get("/v1/waves/current").then().statusCode(200)
                    .body("code", equalTo(code)).body("selection", equalTo("DRAW"))
                    .body("drawCommitment", equalTo(commitment))
                    .body("$", hasKey("remaining")).body("remaining", nullValue());
            given().get("/v1/waves/" + code + "/draw").then().statusCode(404).contentType(PROBLEM_JSON);
            operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(409).contentType(PROBLEM_JSON)
                    .body("type", endsWith("/wave-not-closed"));

            // The quota (4) is how many the draw selects, not a cap: all ten are taken.
            for (int i = 0; i < 10; i++) {
                registrants.add(Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code)));
            }
            // The NIK check rejected one (the verdict path belongs elsewhere: set as it leaves the row);
            // another registrant withdrew.
            rejected = registrants.remove(0);
            db.execute("UPDATE registration SET nik_verification = 'REJECTED', status = 'REJECTED', released_at = now() "
                    + "WHERE id = $1", UUID.fromString(rejected.id()));
            withdrawn = registrants.remove(0);
            db.execute("UPDATE registration SET status = 'WITHDRAWN', released_at = now(), withdrawn_at = now() "
                    + "WHERE id = $1", UUID.fromString(withdrawn.id()));
            operator().post("/v1/admin/waves/" + code + "/close").then().statusCode(200);
        } finally {
            closeIfOpen(code);
        }
        Api.register(UUID.randomUUID().toString(), Applicants.with(Applicants.valid(), "waveCode", code))
                .then().statusCode(409).body("type", endsWith("/wave-closed"));

        Response drawn = operator().post("/v1/admin/waves/" + code + "/draw");
        drawn.then().statusCode(200).body("code", equalTo(code)).body("drawCommitment", equalTo(commitment))
                .body("seed", matchesPattern(HEX_256)).body("eligible", equalTo(8)).body("selected", equalTo(4));
        byte[] seed = HexFormat.of().parseHex(drawn.path("seed"));
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(seed))).isEqualTo(commitment);

        // Every eligible registrant sees the rank this test computes from the seed and their id alone,
        // and the four lowest ranks are the selected ones.
        List<String[]> seen = new ArrayList<>();
        for (Registered r : registrants) {
            Response view = Api.get(r);
            view.then().statusCode(200);
            String rank = view.path("selection.rank");
            assertThat(rank).isEqualTo(rank(seed, r.id()));
            assertThat((String) view.path("status")).isEqualTo(view.path("selection.status"));
            seen.add(new String[] {rank, view.path("selection.status")});
        }
        seen.sort(Comparator.comparing(pair -> pair[0]));
        assertThat(seen.stream().map(pair -> pair[1]).toList()).containsExactly("SELECTED", "SELECTED", "SELECTED", "SELECTED",
                "NOT_SELECTED", "NOT_SELECTED", "NOT_SELECTED", "NOT_SELECTED");
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND selection_status = 'SELECTED'", code))
                .isEqualTo(4);

        // Neither the rejected nor the withdrawn registration took part.
        Api.get(rejected).then().statusCode(200).body("status", equalTo("REJECTED")).body("$", not(hasKey("selection")));
        assertThat(db.count("SELECT count(*) FROM registration WHERE id = ANY($1) AND selection_status IS NULL "
                + "AND selection_rank IS NULL AND status IN ('REJECTED', 'WITHDRAWN')",
                (Object) new UUID[] {UUID.fromString(rejected.id()), UUID.fromString(withdrawn.id())})).isEqualTo(2);

        // A second call, and the public record, answer the same draw.
        Map<String, Object> first = drawn.as(Map.class);
        assertThat(operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(200).extract().as(Map.class))
                .isEqualTo(first);
        assertThat(given().get("/v1/waves/" + code + "/draw").then().statusCode(200).extract().as(Map.class))
                .isEqualTo(first);
        // As an operator's curl -X POST sends it: no body, no Content-Type (the body is optional, not 415).
        assertThat(given().noContentType().header("X-Operator-Key", Operator.KEY).post("/v1/admin/waves/" + code + "/draw")
                .then().statusCode(200).extract().as(Map.class)).isEqualTo(first);
        operator().get("/v1/admin/waves/" + code).then().statusCode(200)
                .body("draw.eligible", equalTo(8)).body("draw.selected", equalTo(4));
    }

    @Test
    void aDrawThatRequiresAVerifiedNikLeavesPendingChecksOut() {
        String code = newCode();
        createDrawWave(code, Instant.now().minus(Duration.ofMinutes(1)), 2, true).then().statusCode(201)
                .body("drawRequiresVerifiedNik", equalTo(true));
        List<Registered> registrants = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            registrants.add(Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code)));
        }
        List<Registered> verified = registrants.subList(0, 3);
        for (Registered r : verified) {
            db.execute("UPDATE registration SET nik_verification = 'VERIFIED' WHERE id = $1", UUID.fromString(r.id()));
        }
        operator().post("/v1/admin/waves/" + code + "/close").then().statusCode(200);

        operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(200)
                .body("eligible", equalTo(3)).body("selected", equalTo(2));
        for (Registered r : verified) {
            Api.get(r).then().statusCode(200).body("selection.status", oneOf("SELECTED", "NOT_SELECTED"));
        }
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND selection_status = 'SELECTED'", code))
                .isEqualTo(2);
        for (Registered pending : registrants.subList(3, 5)) {
            Api.get(pending).then().statusCode(200).body("status", equalTo("REGISTERED"))
                    .body("nikVerification.status", equalTo("PENDING")).body("$", not(hasKey("selection")));
        }
    }

    @Test
    void concurrentDrawCallsMakeOneDraw() throws Exception {
        String code = newCode();
        createDrawWave(code, Instant.now().minus(Duration.ofMinutes(1)), 300, false).then().statusCode(201);
        // Enough rows that the draw takes a while, so the calls really overlap (rows as the bench makes
        // them, with their outbox already worked off, as every registration has one).
        db.execute("""
                WITH r AS (
                    INSERT INTO registration (id, wave_id, wave_code, nik_digest, kk_digest, personal_data, token_digest,
                                              status, created_at, updated_at)
                    SELECT gen_random_uuid(), w.id, w.code, sha256(convert_to(w.code || g, 'UTF8')),
                           sha256(convert_to('kk' || w.code || g, 'UTF8')), decode(repeat('ab', 190), 'hex'),
                           sha256(convert_to('token' || w.code || g, 'UTF8')), 'REGISTERED', now(), now()
                    FROM wave w, generate_series(1, 5000) g WHERE w.code = $1
                    RETURNING id),
                jobs AS (
                    INSERT INTO verification_job (registration_id, kind, state, run_after, created_at, finished_at)
                    SELECT id, kind, 'DONE', now(), now(), now() FROM r, unnest(ARRAY['EMAIL_CODE', 'NIK_CHECK']) kind)
                INSERT INTO email_code (registration_id, issue, code_digest, requested_at, sent_at)
                SELECT id, 1, sha256(convert_to(id::text, 'UTF8')), now(), now() FROM r""", code);
        operator().post("/v1/admin/waves/" + code + "/close").then().statusCode(200);

        Concurrently.Outcome<DrawResult> outcome = Concurrently.run(8, 8,
                i -> drawNow(code));

        assertThat(outcome.maxInFlight()).as("draw calls in flight at once").isGreaterThanOrEqualTo(4);
        assertThat(outcome.results()).allSatisfy(result -> assertThat(result).isEqualTo(outcome.results().get(0)));
        assertThat(outcome.results().get(0).eligible()).isEqualTo(5000);
        assertThat(db.count("SELECT count(*) FROM operator_audit WHERE wave_code = $1 AND action = 'DRAW'", code)).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND selection_status = 'SELECTED'", code))
                .isEqualTo(300);
    }

    @Test
    void aDrawWavesQuotaIsNotACap() {
        String code = newCode();
        createDrawWave(code, Instant.now().minus(Duration.ofMinutes(1)), 1, false).then().statusCode(201);
        for (int i = 0; i < 3; i++) {
            Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        }
        operator().get("/v1/admin/waves/" + code).then().statusCode(200).body("registered", equalTo(3))
                .body("remaining", nullValue());
        operator().body(Map.of("quota", 2)).patch("/v1/admin/waves/" + code).then().statusCode(200).body("quota", equalTo(2));
        operator().get("/v1/admin/waves/" + code + "/funnel").then().statusCode(200).body("counts.remaining", nullValue());
        closeIfOpen(code);
    }

    @Test
    void refusesWhatIsNotADrawAndWhatDoesNotExist() {
        String firstCome = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2022-01-01T00:00:00Z"), 10);
        operator().post("/v1/admin/waves/" + firstCome + "/draw").then().statusCode(409).contentType(PROBLEM_JSON)
                .body("type", endsWith("/not-a-draw-wave"));
        given().get("/v1/waves/" + firstCome + "/draw").then().statusCode(404).contentType(PROBLEM_JSON);
        operator().post("/v1/admin/waves/NO-SUCH-WAVE/draw").then().statusCode(404).contentType(PROBLEM_JSON);
        given().get("/v1/waves/NO-SUCH-WAVE/draw").then().statusCode(404).contentType(PROBLEM_JSON);

        given().post("/v1/admin/waves/" + firstCome + "/draw").then().statusCode(401).contentType(PROBLEM_JSON);
        given().header("X-Operator-Key", "wrong").post("/v1/admin/waves/" + firstCome + "/draw").then().statusCode(403);
        assertThat(db.count("SELECT count(*) FROM operator_audit WHERE wave_code = $1", firstCome)).isZero();
    }

    @Test
    void refusesBadSelectionsListingEveryField() {
        Map<String, Object> body = definition(newCode(), Instant.now(), 0);
        body.put("selection", "LOTTERY");
        operator().body(body).post("/v1/admin/waves").then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", containsInAnyOrder("selection", "quota"));
        Map<String, Object> verifiedFirstCome = definition(newCode(), Instant.now(), 10);
        verifiedFirstCome.put("drawRequiresVerifiedNik", true);
        operator().body(verifiedFirstCome).post("/v1/admin/waves").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("drawRequiresVerifiedNik"));
        Map<String, Object> notABoolean = definition(newCode(), Instant.now(), 10);
        notABoolean.put("selection", "DRAW");
        notABoolean.put("drawRequiresVerifiedNik", "yes please");
        operator().body(notABoolean).post("/v1/admin/waves").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("drawRequiresVerifiedNik"));
        Map<String, Object> firstCome = definition(newCode(), Instant.now().plus(Duration.ofDays(30)), 10);
        operator().body(firstCome).post("/v1/admin/waves").then().statusCode(201)
                .body("selection", equalTo("FIRST_COME")).body("$", not(hasKey("drawCommitment")))
                .body("remaining", equalTo(10));
    }

    @Test
    void theOpenApiDocumentDescribesTheDrawAndTheAuditTrail() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItems("/v1/admin/waves/{code}/draw", "/v1/waves/{code}/draw", "/v1/admin/audit"))
                .body("components.schemas.WaveView.properties.keySet()", hasItems("selection", "drawCommitment", "remaining"))
                .body("components.schemas.WaveDefinition.properties.keySet()", hasItems("selection", "drawRequiresVerifiedNik"))
                .body("components.schemas.RegistrationView.properties.keySet()", hasItems("selection"))
                .body("components.schemas.DrawResult.properties.keySet()",
                        hasItems("code", "seed", "drawCommitment", "eligible", "selected"));
    }

    /** Calls the service directly: the mock event server would hand HTTP calls to the handler one at a time. */
    private DrawResult drawNow(String code) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> draws.draw(code, "operator-key", null));
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** What a registrant can compute: hex SHA-256 of the seed bytes followed by the id's text in UTF-8. */
    private static String rank(byte[] seed, String id) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(seed);
        sha256.update(id.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static Response createDrawWave(String code, Instant opensAt, int quota, boolean requireVerifiedNik) {
        Map<String, Object> body = definition(code, opensAt, quota);
        body.put("selection", "DRAW");
        body.put("drawRequiresVerifiedNik", requireVerifiedNik);
        return operator().body(body).post("/v1/admin/waves");
    }

    private static Map<String, Object> definition(String code, Instant opensAt, int quota) {
        Map<String, Object> body = new HashMap<>();
        body.put("code", code);
        body.put("opensAt", opensAt.truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("closesAt", Instant.now().plus(Duration.ofDays(60)).truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("quota", quota);
        return body;
    }

    private void closeIfOpen(String code) {
        db.execute("UPDATE wave SET closes_at = least(closes_at, now()), opens_at = least(opens_at, now() - interval '1 second') "
                + "WHERE code = $1", code);
    }

    private static String newCode() {
        return "D-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
