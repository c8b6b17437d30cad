package id.gelombang.registration.service;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.problem.ProblemException;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A wave's places live in shards (db/migration V10): registrations claim a place in a shard no other
 * transaction holds, starting from one picked by their id. These tests race real registrations (service
 * calls on many threads, each on its own pooled connection) against waves whose free places sit where
 * the racers do not start, against releases and against an operator changing the quota, and then
 * count the database: every registration holds exactly one place, no shard holds more than its
 * capacity, and the wave never takes more than its quota, nor refuses anyone while a place is free.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class WavePlacesUnderLoadTest {

    private static final Pattern ACCEPTED = Pattern.compile("(\\d+) registrations are already accepted");

    @Inject
    RegistrationService registrations;

    @Inject
    Database db;

    @Test
    void theLastPlacesOfANearlyFullWaveAreTakenFromShardsTheRacingRegistrantsDidNotStartFrom() throws Exception {
        int quota = 100;
        String wave = openWave(quota);
        for (int i = 0; i < 60; i++) {
            assertThat(outcome(Applicants.with(Applicants.valid(), "waveCode", wave))).isEqualTo("201");
        }
        // The 40 places left all sit in one shard; every other shard is full. Racing registrants start
        // elsewhere, pass over the full shards and queue for the one that has room.
        db.execute("""
                UPDATE wave_place p SET capacity = p.taken + CASE p.shard WHEN 230 THEN 40 ELSE 0 END
                FROM wave w WHERE w.id = p.wave_id AND w.code = $1""", wave);
        assertThat(remaining(wave)).isEqualTo(40);

        String inTheShardWithRoom = """
                SELECT r.id, r.place_shard, w.place_shards FROM registration r JOIN wave w ON w.id = r.wave_id
                WHERE w.code = $1 AND r.place_shard = 230 AND r.released_at IS NULL""";
        int before = rows(inTheShardWithRoom, wave).size();

        var outcome = Concurrently.run(300, 32, i -> outcome(Applicants.with(Applicants.valid(), "waveCode", wave)));

        assertThat(outcome.maxInFlight()).as("registrations in flight at once").isGreaterThanOrEqualTo(16);
        assertThat(outcome.results()).filteredOn("201"::equals).hasSize(40);
        assertThat(outcome.results()).filteredOn("wave-full"::equals).hasSize(260);
        assertPlacesMatchRows(wave);
        assertThat(db.registrationsInWave(wave)).isEqualTo(quota);
        assertThat(remaining(wave)).isZero();
        List<Row> late = rows(inTheShardWithRoom, wave);
        assertThat(late).hasSize(before + 40);
        long startedElsewhere = late.stream()
                .filter(r -> startShard(r.getUUID("id"), r.getInteger("place_shards")) != r.getInteger("place_shard")).count();
        assertThat(startedElsewhere).as("registrants whose first shard was another, full one").isGreaterThanOrEqualTo(30);
        assertThat(outcome(Applicants.with(Applicants.valid(), "waveCode", wave))).isEqualTo("wave-full");
    }

    @Test
    void aRegistrationArrivingWhileEveryShardIsHeldWaitsAndTakesAPlace() throws Exception {
        String wave = openWave(10);
        // What an operator's quota change does: every shard of the wave locked until it commits.
        SqlConnection holder = db.pool().getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            Transaction held = holder.begin().await().atMost(Duration.ofSeconds(10));
            holder.preparedQuery("SELECT 1 FROM wave_place p JOIN wave w ON w.id = p.wave_id WHERE w.code = $1 FOR UPDATE OF p")
                    .execute(Tuple.of(wave)).await().atMost(Duration.ofSeconds(10));
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(
                    () -> outcome(Applicants.with(Applicants.valid(), "waveCode", wave)));
            Thread.sleep(500);
            assertThat(waiting).as("a registration while every shard is held").isNotDone();
            held.rollback().await().atMost(Duration.ofSeconds(10));
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("201");
        } finally {
            holder.close().await().atMost(Duration.ofSeconds(10));
        }
        assertPlacesMatchRows(wave);
        assertThat(remaining(wave)).isEqualTo(9);
    }

    @Test
    void aPlaceFreedByAReleaseIsTakenByARegistrantWhoseFirstShardIsFull() {
        String wave = openWave(3); // one place in each of shards 0, 1 and 2; none in the other 253
        List<Registered> registered = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            registered.add(Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", wave)));
        }
        Api.register(UUID.randomUUID().toString(), Applicants.with(Applicants.valid(), "waveCode", wave))
                .then().statusCode(409).body("type", endsWith("/wave-full"));
        Registered leaving = registered.get(1);
        int freedShard = placeShard(leaving.id());

        given().header("Authorization", "Bearer " + leaving.token()).delete("/v1/registrations/" + leaving.id())
                .then().statusCode(204);
        assertThat(remaining(wave)).isEqualTo(1);
        assertThat(takenIn(wave, freedShard)).isZero();

        Registered next = Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", wave));
        assertThat(placeShard(next.id())).isEqualTo(freedShard);
        int firstShard = startShard(UUID.fromString(next.id()), 256);
        if (firstShard != freedShard) {
            assertThat(room(wave, firstShard)).as("room in the shard it started from").isZero();
        }
        assertPlacesMatchRows(wave);
        assertThat(remaining(wave)).isZero();
        Api.register(UUID.randomUUID().toString(), Applicants.with(Applicants.valid(), "waveCode", wave))
                .then().statusCode(409).body("type", endsWith("/wave-full"));
    }

    @Test
    void anOperatorRaisingAndLoweringTheQuotaWhileRegistrationsRaceNeverOversellsIt() throws Exception {
        String wave = openWave(50);
        AtomicBoolean changing = new AtomicBoolean(true);
        List<Integer> set = Collections.synchronizedList(new ArrayList<>());
        List<int[]> refused = Collections.synchronizedList(new ArrayList<>()); // {asked, accepted at that moment}
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        Thread operatorThread = new Thread(() -> {
            try {
                for (int quota : new int[] {80, 40, 140, 90, 200, 120, 260, 150, 300, 280}) {
                    Response response = operator().body(Map.of("quota", quota)).patch("/v1/admin/waves/" + wave);
                    String type = response.statusCode() == 200 ? "" : response.path("type");
                    Matcher accepted = ACCEPTED.matcher(response.statusCode() == 200 ? "" : response.path("detail"));
                    if (response.statusCode() == 200) {
                        set.add(quota);
                    } else if (response.statusCode() == 409 && type.endsWith("/quota-below-registered") && accepted.find()) {
                        refused.add(new int[] {quota, Integer.parseInt(accepted.group(1))});
                    } else {
                        unexpected.add(response.statusCode() + " " + response.body().asString());
                    }
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | AssertionError e) {
                unexpected.add(e.toString());
            } finally {
                changing.set(false);
            }
        });
        // Registrants keep coming on 24 threads for as long as the operator keeps changing the quota.
        operatorThread.start();
        var racers = Concurrently.run(24, 24, i -> {
            List<String> mine = new ArrayList<>();
            while (changing.get()) {
                mine.add(outcome(Applicants.with(Applicants.valid(), "waveCode", wave)));
            }
            return mine;
        });
        operatorThread.join();
        List<String> results = racers.results().stream().flatMap(List::stream).toList();

        assertThat(unexpected).as("operator answers other than 200 and 409 quota-below-registered").isEmpty();
        assertThat(results).allMatch(r -> r.equals("201") || r.equals("wave-full"));
        assertThat(results).filteredOn("wave-full"::equals).as("registrants refused at a full moment").isNotEmpty();
        assertThat(set).as("quota changes made during the race").isNotEmpty();
        assertThat(refused).as("quota changes refused during the race").isNotEmpty();
        // Every refusal was right: at that moment more registrations held a place than the quota asked.
        assertThat(refused).allMatch(r -> r[1] > r[0]);
        long accepted = results.stream().filter("201"::equals).count();
        assertThat(db.registrationsInWave(wave)).isEqualTo(accepted);
        assertPlacesMatchRows(wave);
        int quota = operator().get("/v1/admin/waves/" + wave).then().statusCode(200).extract().path("quota");
        assertThat(accepted).as("accepted, never above the quota").isLessThanOrEqualTo(quota);
        assertThat(quota).isEqualTo(set.get(set.size() - 1));

        // Once the changes stop, the wave fills to exactly its quota, and a quota below that is refused.
        int last = (int) accepted + 30;
        operator().body(Map.of("quota", last)).patch("/v1/admin/waves/" + wave).then().statusCode(200);
        var fill = Concurrently.run(100, 24, i -> outcome(Applicants.with(Applicants.valid(), "waveCode", wave)));
        assertThat(fill.results()).filteredOn("201"::equals).hasSize(30);
        assertThat(fill.results()).filteredOn("wave-full"::equals).hasSize(70);
        assertThat(db.registrationsInWave(wave)).isEqualTo(last);
        assertPlacesMatchRows(wave);
        operator().body(Map.of("quota", last - 1)).patch("/v1/admin/waves/" + wave).then().statusCode(409)
                .body("type", endsWith("/quota-below-registered"));
        assertThat(remaining(wave)).isZero();
    }

    @Test
    void aDrawWaveCountsEveryRegistrantWithoutACap() throws Exception {
        String wave = "DRAW-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> definition = new HashMap<>();
        definition.put("code", wave);
        definition.put("opensAt", Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS).toString());
        definition.put("closesAt", Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS).toString());
        definition.put("quota", 10);
        definition.put("selection", "DRAW");
        operator().body(definition).post("/v1/admin/waves").then().statusCode(201);

        var outcome = Concurrently.run(300, 32, i -> outcome(Applicants.with(Applicants.valid(), "waveCode", wave)));

        assertThat(outcome.maxInFlight()).as("registrations in flight at once").isGreaterThanOrEqualTo(16);
        assertThat(outcome.results()).filteredOn("201"::equals).hasSize(300);
        assertThat(db.registrationsInWave(wave)).isEqualTo(300);
        assertThat(db.registeredCount(wave)).isEqualTo(300);
        assertThat(db.count("""
                SELECT count(*) FROM wave_place p JOIN wave w ON w.id = p.wave_id
                WHERE w.code = $1 AND p.capacity IS NOT NULL""", wave)).as("shards with a cap").isZero();
        assertPlacesMatchRows(wave);
        operator().get("/v1/admin/waves/" + wave).then().statusCode(200)
                .body("registered", equalTo(300)).body("quota", equalTo(10)).body("remaining", nullValue());
    }

    @Test
    void theShardsAlwaysHoldExactlyTheQuotaAndEveryPlaceTaken() {
        String wave = openWave(1_000);
        for (int i = 0; i < 5; i++) {
            Api.registerNew(Applicants.with(Applicants.valid(), "waveCode", wave));
        }
        for (int quota : new int[] {1_000_003, 7, 5, 300}) {
            operator().body(Map.of("quota", quota)).patch("/v1/admin/waves/" + wave).then().statusCode(200)
                    .body("quota", equalTo(quota));
            Row places = rows("""
                    SELECT count(*) AS shards, sum(p.capacity) AS capacity, sum(p.taken) AS taken,
                           max(p.capacity - p.taken) - min(p.capacity - p.taken) AS spread
                    FROM wave_place p JOIN wave w ON w.id = p.wave_id WHERE w.code = $1""", wave).get(0);
            assertThat(places.getLong("shards")).isEqualTo(256);
            assertThat(places.getLong("capacity")).as("capacity at quota %d", quota).isEqualTo(quota);
            assertThat(places.getLong("taken")).isEqualTo(5);
            // The places left are spread evenly, so that the shards fill at about the same moment.
            assertThat(places.getInteger("spread")).as("room per shard differs by at most one").isLessThanOrEqualTo(1);
        }
        operator().body(Map.of("quota", 4)).patch("/v1/admin/waves/" + wave).then().statusCode(409)
                .body("type", endsWith("/quota-below-registered"));
        assertThatTheDatabaseRefusesAQuotaBelowThePlacesTaken(wave);
    }

    private void assertThatTheDatabaseRefusesAQuotaBelowThePlacesTaken(String wave) {
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                () -> db.execute("UPDATE wave SET quota = 4 WHERE code = $1", wave));
        assertThat(refused).hasMessageContaining("more than the quota");
        assertThat(remaining(wave)).isEqualTo(295);
    }

    /** Each shard's count equals the registrations holding a place in it, and never exceeds its capacity. */
    private void assertPlacesMatchRows(String wave) {
        assertThat(db.count("""
                SELECT count(*) FROM wave_place p JOIN wave w ON w.id = p.wave_id
                LEFT JOIN (SELECT place_shard, count(*) AS n FROM registration
                           WHERE wave_code = $1 AND released_at IS NULL GROUP BY place_shard) r ON r.place_shard = p.shard
                WHERE w.code = $1 AND (coalesce(r.n, 0) <> p.taken OR p.taken > coalesce(p.capacity, p.taken))""", wave))
                .as("shards whose count differs from their rows or exceeds their capacity").isZero();
        assertThat(db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND released_at IS NULL AND place_shard IS NULL",
                wave)).as("registrations without a place").isZero();
        assertThat(db.registeredCount(wave)).isEqualTo(
                db.count("SELECT count(*) FROM registration WHERE wave_code = $1 AND released_at IS NULL", wave));
    }

    /** The first shard the registration statement tries for this id (two of its random bytes). */
    private static int startShard(UUID id, int shards) {
        return (int) (id.getLeastSignificantBits() & 0xFFFF) % shards;
    }

    private int placeShard(String registrationId) {
        return db.registration(registrationId).getInteger("place_shard");
    }

    private long takenIn(String wave, int shard) {
        return db.count("SELECT p.taken FROM wave_place p JOIN wave w ON w.id = p.wave_id WHERE w.code = $1 AND p.shard = $2",
                wave, (short) shard);
    }

    private long room(String wave, int shard) {
        return db.count("SELECT p.capacity - p.taken FROM wave_place p JOIN wave w ON w.id = p.wave_id WHERE w.code = $1 AND p.shard = $2",
                wave, (short) shard);
    }

    private List<Row> rows(String sql, Object... args) {
        List<Row> rows = new ArrayList<>();
        db.pool().preparedQuery(sql).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(30)).forEach(rows::add);
        return rows;
    }

    private String openWave(int quota) {
        return db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), quota);
    }

    private static int remaining(String wave) {
        return operator().get("/v1/admin/waves/" + wave).then().statusCode(200).extract().path("remaining");
    }

    /** "201", or the last segment of the problem type. */
    private String outcome(Map<String, Object> body) {
        RegistrationCommand command = Applicants.command(body);
        try {
            StoredReply reply = VertxContextSupport.subscribeAndAwait(() -> registrations.register(UUID.randomUUID().toString(), command));
            if (reply.status() == 201) {
                return "201";
            }
            return reply.body().replaceAll(".*\"type\":\"[^\"]*/([a-z-]+)\".*", "$1");
        } catch (ProblemException e) {
            return e.problem().type().substring(e.problem().type().lastIndexOf('/') + 1);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }
}
