package id.gelombang.wave.draw;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
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
import id.gelombang.testing.BulkRegistrations;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Contract v1.2, "Draws that nobody can foresee and anyone can check": a seed made outside and
 * checked at the draw, the published cutoff and list of every rank, no re-roll by withdrawing, and a
 * selected registration rejected after the draw handing its place to the next rank.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class CheckableDrawTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Inject
    Database db;

    @Inject
    RanksFile ranksFile;

    @Test
    void aSeedMadeOutsideIsCheckedAtTheDrawAndAnyoneCanRecomputeTheWholeList() throws Exception {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        String commitment = sha256Hex(seed);
        String code = newCode();
        Map<String, Object> body = drawWave(code, 3);
        body.put("drawCommitment", commitment);
        operator().body(body).post("/v1/admin/waves").then().statusCode(201).body("drawCommitment", equalTo(commitment));
        assertThat(db.count("SELECT count(*) FROM wave WHERE code = $1 AND draw_seed IS NULL AND draw_seed_outside", code))
                .as("the system holds no seed of its own").isEqualTo(1);
        List<Registered> registrants = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            registrants.add(Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code)));
        }
        close(code);

        String draw = "/v1/admin/waves/" + code + "/draw";
        operator().post(draw).then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", containsInAnyOrder("seed"));
        operator().body(Map.of("seed", "zz")).post(draw).then().statusCode(400).body("errors.field", containsInAnyOrder("seed"));
        byte[] other = seed.clone();
        other[0] ^= 1;
        operator().body(Map.of("seed", HexFormat.of().formatHex(other))).post(draw).then().statusCode(422)
                .contentType(PROBLEM_JSON).body("type", endsWith("/seed-mismatch"));
        given().get("/v1/waves/" + code + "/draw").then().statusCode(404);
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND selection_rank IS NOT NULL", code)).isZero();

        Response drawn = operator().body(Map.of("seed", HexFormat.of().formatHex(seed).toUpperCase())).post(draw);
        drawn.then().statusCode(200).body("seed", equalTo(HexFormat.of().formatHex(seed)))
                .body("drawCommitment", equalTo(commitment)).body("eligible", equalTo(7)).body("selected", equalTo(3));

        // The whole draw, recomputed here from the seed and the ids alone.
        List<String[]> expected = new ArrayList<>();
        for (Registered r : registrants) {
            expected.add(new String[] {r.id(), rank(seed, r.id())});
        }
        expected.sort((a, b) -> a[1].compareTo(b[1]));
        assertThat((String) drawn.path("cutoffRank")).isEqualTo(expected.get(2)[1]);
        String ranksUrl = drawn.path("ranksUrl");
        List<String> lines = Arrays.asList(given().get(ranksUrl).then().statusCode(200).contentType("text/csv")
                .extract().asString().split("\n"));
        List<String> recomputed = new ArrayList<>(List.of("id,rank,verdict"));
        for (int i = 0; i < expected.size(); i++) {
            recomputed.add(expected.get(i)[0] + "," + expected.get(i)[1] + "," + (i < 3 ? "SELECTED" : "NOT_SELECTED"));
        }
        assertThat(lines).containsExactlyElementsOf(recomputed);

        // A NOT_SELECTED registrant checks the verdict against the published cutoff.
        Registered notSelected = registrants.stream().filter(r -> r.id().equals(expected.get(5)[0])).findFirst().orElseThrow();
        String theirRank = Api.get(notSelected).then().statusCode(200).body("selection.status", equalTo("NOT_SELECTED"))
                .extract().path("selection.rank");
        assertThat(theirRank.compareTo(drawn.path("cutoffRank"))).isPositive();

        // Again, and in public: the same draw; a wrong seed afterwards is still refused.
        assertThat(given().get("/v1/waves/" + code + "/draw").then().statusCode(200).extract().as(Map.class))
                .isEqualTo(drawn.as(Map.class));
        operator().body(Map.of("seed", HexFormat.of().formatHex(other))).post(draw).then().statusCode(422);
    }

    @Test
    void refusesSeedsAndCommitmentsWhereTheyDoNotBelong() {
        String code = newCode();
        operator().body(drawWave(code, 1)).post("/v1/admin/waves").then().statusCode(201);
        assertThat(db.count("SELECT count(*) FROM wave WHERE code = $1 AND get_byte(draw_seed, 0) = 2", code))
                .as("the generated seed, sealed to the draw's key (DrawSeedSeal)").isEqualTo(1);
        Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        close(code);
        // The system generated this wave's seed: a seed in the body is refused and nothing is drawn.
        operator().body(Map.of("seed", "00".repeat(32))).post("/v1/admin/waves/" + code + "/draw").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("seed"));
        given().get("/v1/waves/" + code + "/draw").then().statusCode(404);
        operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(200).body("eligible", equalTo(1))
                .body("cutoffRank", nullValue());

        Map<String, Object> malformed = drawWave(newCode(), 1);
        malformed.put("drawCommitment", "ABC");
        operator().body(malformed).post("/v1/admin/waves").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("drawCommitment"));
        Map<String, Object> firstCome = drawWave(newCode(), 1);
        firstCome.remove("selection");
        firstCome.put("drawCommitment", "ab".repeat(32));
        operator().body(firstCome).post("/v1/admin/waves").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("drawCommitment"));
    }

    @Test
    void aNikThatWithdrewFromADrawWaveCannotReRollBeforeTheDraw() {
        String code = newCode();
        operator().body(drawWave(code, 1)).post("/v1/admin/waves").then().statusCode(201);
        Map<String, Object> person = Applicants.with(Applicants.valid(), "waveCode", code);
        Registered first = Api.registerNew(person);
        // The registry verified this NIK, as the NIK worker records it.
        db.execute("UPDATE registration SET nik_verification = 'VERIFIED' WHERE id = $1", UUID.fromString(first.id()));
        given().header("Authorization", "Bearer " + first.token()).delete("/v1/registrations/" + first.id())
                .then().statusCode(204);
        assertThat(db.count("SELECT count(*) FROM draw_withdrawal d JOIN wave w ON w.id = d.wave_id WHERE w.code = $1", code))
                .isEqualTo(1);

        Api.register(UUID.randomUUID().toString(), person).then().statusCode(409).contentType(PROBLEM_JSON)
                .body("type", endsWith("/withdrawn-from-draw"));
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1", code)).isEqualTo(1);
        // Another NIK registers as before.
        Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        // A squatter withdrawing a NIK the registry never verified keeps nothing of it: its owner registers.
        Map<String, Object> owner = Applicants.with(Applicants.valid(), "waveCode", code);
        Registered squatter = Api.registerNew(owner);
        given().header("Authorization", "Bearer " + squatter.token()).delete("/v1/registrations/" + squatter.id())
                .then().statusCode(204);
        Api.register(UUID.randomUUID().toString(), owner).then().statusCode(201);

        close(code);
        operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(200).body("eligible", equalTo(2));
        assertThat(db.count("SELECT count(*) FROM draw_withdrawal d JOIN wave w ON w.id = d.wave_id WHERE w.code = $1", code))
                .as("the digests kept against re-rolls, after the draw").isZero();
    }

    @Test
    void aSelectedRegistrationRejectedAfterTheDrawGivesItsPlaceToTheNextRank() {
        String code = newCode();
        operator().body(drawWave(code, 2)).post("/v1/admin/waves").then().statusCode(201);
        for (int i = 0; i < 5; i++) {
            Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        }
        close(code);
        operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(200).body("selected", equalTo(2));
        List<String> byRank = Arrays.asList(given().get("/v1/waves/" + code + "/draw/ranks").then().statusCode(200)
                .extract().asString().split("\n")).subList(1, 6);
        UUID rejected = UUID.fromString(byRank.get(0).split(",")[0]);
        String next = byRank.get(2).split(",")[0];
        String nextRank = byRank.get(2).split(",")[1];

        // What the NIK worker does with a REJECTED verdict (NikCheckHandler.record): the row, then its release.
        db.execute("UPDATE registration SET nik_verification = 'REJECTED', status = 'REJECTED' WHERE id = $1", rejected);
        db.execute("SELECT release_registration($1, now())", rejected);

        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND selection_status = 'SELECTED'", code))
                .isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM registration WHERE id = $1 AND selection_status = 'NOT_SELECTED'", rejected))
                .isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM registration WHERE id = $1 AND status = 'SELECTED'", UUID.fromString(next)))
                .isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM verification_job WHERE registration_id = $1 AND kind = 'OUTCOME_NOTICE'",
                UUID.fromString(next))).as("the newly selected is told").isEqualTo(1);
        given().get("/v1/waves/" + code + "/draw").then().statusCode(200).body("eligible", equalTo(4))
                .body("selected", equalTo(2)).body("cutoffRank", equalTo(nextRank));
        // The published list follows with the ranks schedule's next run; the version it replaces is deleted.
        String before = given().redirects().follow(false).get("/v1/waves/" + code + "/draw/ranks").then().statusCode(302)
                .extract().header("Location");
        assertThat(ranksFile.publishAllBehind()).contains(code);
        assertThat(ranksFile.publishAllBehind()).doesNotContain(code);
        List<String> after = Arrays.asList(given().get("/v1/waves/" + code + "/draw/ranks").then().statusCode(200)
                .extract().asString().split("\n"));
        assertThat(after).hasSize(5).doesNotContain(byRank.get(0)).contains(next + "," + nextRank + ",SELECTED");
        given().urlEncodingEnabled(false).get(before).then().statusCode(org.hamcrest.Matchers.either(equalTo(403)).or(equalTo(404)));
    }

    @Test
    void theListOfANationalSizedDrawIsAFileInTheBucketWrittenInParts() {
        String code = newCode();
        operator().body(drawWave(code, 1_000)).post("/v1/admin/waves").then().statusCode(201);
        // Past one part (8 MiB).
        int rows = 80_000;
        BulkRegistrations.addVerified(db, code, rows);
        try {
            close(code);
            operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(200).body("eligible", equalTo(rows));
        } finally {
            BulkRegistrations.removeAll(db, code);
        }

        io.restassured.response.ExtractableResponse<Response> redirect = given().redirects().follow(false)
                .get("/v1/waves/" + code + "/draw/ranks").then().statusCode(302).header("Cache-Control", "no-store").extract();
        assertThat(redirect.header("Location")).doesNotContain(code.toLowerCase() + "/draw/ranks")
                .contains("draws/" + code + "/ranks-1.csv");
        String csv = given().get("/v1/waves/" + code + "/draw/ranks").then().statusCode(200).contentType("text/csv")
                .extract().asString();
        assertThat(csv.length()).as("a file past one part").isGreaterThan(RanksFile.PART_BYTES);
        List<String> lines = Arrays.asList(csv.split("\n"));
        assertThat(lines).hasSize(rows + 1).first().isEqualTo("id,rank,verdict");
        List<String> ranks = lines.subList(1, lines.size()).stream().map(l -> l.split(",")[1]).toList();
        assertThat(ranks).isSorted();
        assertThat(lines.subList(1, lines.size())).filteredOn(l -> l.endsWith(",SELECTED")).hasSize(1_000);
    }

    @Test
    void whileTheDrawsFileIsBeingWrittenReadersAreToldToComeBack() {
        String code = newCode();
        operator().body(drawWave(code, 1)).post("/v1/admin/waves").then().statusCode(201);
        Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        close(code);
        operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(200);
        // As if the file had not been written yet (the draw's own attempt failed; the schedule has not run).
        db.execute("UPDATE wave SET ranks_published = 0 WHERE code = $1", code);
        assertThat(db.count("SELECT ranks_published FROM wave WHERE code = $1", code)).as("never moves back").isEqualTo(1);
        db.execute("ALTER TABLE wave DISABLE TRIGGER wave_ranks_changed");
        try {
            db.execute("UPDATE wave SET ranks_published = 0 WHERE code = $1", code);
        } finally {
            db.execute("ALTER TABLE wave ENABLE TRIGGER wave_ranks_changed");
        }
        given().get("/v1/waves/" + code + "/draw/ranks").then().statusCode(503).contentType(PROBLEM_JSON)
                .header("Retry-After", "30").body("type", endsWith("/unavailable"));
        assertThat(ranksFile.publishAllBehind()).contains(code);
        given().get("/v1/waves/" + code + "/draw/ranks").then().statusCode(200).contentType("text/csv");
    }

    @Test
    void aPlaceReleasedAfterRetentionErasedTheOthersGoesToNobodyErased() {
        String code = newCode();
        operator().body(drawWave(code, 1)).post("/v1/admin/waves").then().statusCode(201);
        for (int i = 0; i < 3; i++) {
            Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", code));
        }
        close(code);
        operator().post("/v1/admin/waves/" + code + "/draw").then().statusCode(200).body("selected", equalTo(1));
        // Retention (scope NOT_SELECTED) erased the others; then the selected one's NIK is rejected.
        db.execute("UPDATE registration SET erased_at = now() WHERE wave_code = $1 AND selection_status = 'NOT_SELECTED'", code);
        db.execute("UPDATE registration SET nik_verification = 'REJECTED', status = 'REJECTED' "
                + "WHERE wave_code = $1 AND selection_status = 'SELECTED'", code);
        db.execute("SELECT release_registration(id, now()) FROM registration WHERE wave_code = $1 AND status = 'REJECTED'", code);

        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND selection_status = 'SELECTED'", code))
                .as("an erased registration is never selected").isZero();
        given().get("/v1/waves/" + code + "/draw").then().statusCode(200).body("selected", equalTo(0))
                .body("cutoffRank", equalTo(null));
    }

    @Test
    void theOpenApiDocumentDescribesTheCheckableDraw() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItems("/v1/waves/{code}/draw/ranks"))
                .body("components.schemas.WaveDefinition.properties.keySet()", hasItems("drawCommitment"))
                .body("components.schemas.DrawRequest.properties.keySet()", hasItems("seed"))
                .body("components.schemas.DrawResult.properties.keySet()", hasItems("cutoffRank", "ranksUrl"));
    }

    private static String rank(byte[] seed, String id) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(seed);
        sha256.update(id.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static String sha256Hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static Map<String, Object> drawWave(String code, int quota) {
        Map<String, Object> body = new HashMap<>();
        body.put("code", code);
        body.put("opensAt", Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("closesAt", Instant.now().plus(Duration.ofDays(60)).truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("quota", quota);
        body.put("selection", "DRAW");
        return body;
    }

    private static void close(String code) {
        operator().post("/v1/admin/waves/" + code + "/close").then().statusCode(200);
    }

    private static String newCode() {
        return "V-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
