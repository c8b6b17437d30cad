package id.gelombang.wave.schedule;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Operator;
import id.gelombang.testing.SettableClock;
import id.gelombang.wave.schedule.PublishedSchedule.Entry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Between waves nothing public or scheduled wakes a paused Aurora: the public page's first call
 * answers from the published schedule, and the daily retention run asks the database nothing while
 * no wave's replies or retention are due, both with PostgreSQL out of reach. The waves the suite
 * defines open after 2019-01-01 and close by 2099; the application's clock is set before and after.
 */
@QuarkusTest
@TestProfile(BetweenWavesTest.SettableTime.class)
@WithTestResource(value = LocalBackendsResource.class,
        initArgs = @ResourceArg(name = LocalBackendsResource.DATABASE_ARG, value = "proxied"))
class BetweenWavesTest {

    public static class SettableTime implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(SettableClock.class);
        }
    }

    @Inject
    PublishedSchedule published;

    @Inject
    WaveSchedule schedule;

    @AfterEach
    void backToNow() throws Throwable {
        LocalBackendsResource.databaseProxy().restore();
        SettableClock.setTo(null);
        // What a test published by hand gives way to what the database holds.
        VertxContextSupport.subscribeAndAwait(() -> schedule.publish(true, Instant.now()));
    }

    @Test
    void beforeTheNextWaveOpensItIsAnsweredWithPostgresqlUnreachable() throws Exception {
        SettableClock.setTo(Instant.parse("2019-01-01T00:00:00Z"));
        String withDatabase = given().get("/v1/waves/current").then().statusCode(200)
                .body("status", equalTo("UPCOMING")).extract().asString();
        LocalBackendsResource.databaseProxy().cut();

        String withoutDatabase = given().get("/v1/waves/current").then().statusCode(200).extract().asString();
        assertThat(withoutDatabase).isEqualTo(withDatabase);
        // The database really is out of reach: a call that needs it is told to come back.
        Api.register(UUID.randomUUID().toString(), Applicants.valid()).then().statusCode(503);
    }

    @Test
    void anOperatorsNewWaveIsPublishedWithTheChange() throws Exception {
        SettableClock.setTo(Instant.parse("2019-01-01T00:00:00Z"));
        String code = "EARLY-" + UUID.randomUUID().toString().substring(0, 6);
        Operator.operator().body(Map.of("code", code, "opensAt", "2019-02-01T00:00:00Z", "closesAt", "2019-03-01T00:00:00Z",
                "quota", 1000)).post("/v1/admin/waves").then().statusCode(201);
        LocalBackendsResource.databaseProxy().cut();

        given().get("/v1/waves/current").then().statusCode(200)
                .body("code", equalTo(code)).body("status", equalTo("UPCOMING")).body("remaining", equalTo(1000));
    }

    @Test
    void afterTheLastWaveClosedThereIsNoneAndPostgresqlIsNotAsked() throws Exception {
        SettableClock.setTo(Instant.parse("2100-01-01T00:00:00Z"));
        LocalBackendsResource.databaseProxy().cut();

        given().get("/v1/waves/current").then().statusCode(404)
                .contentType("application/problem+json").body("type", endsWith("/not-found"));
    }

    @Test
    void aRetentionRunWithNothingDueLeavesTheDatabaseAlone() throws Exception {
        // A wave long closed whose retention is done, and one whose retention is not due yet.
        SettableClock.setTo(Instant.parse("2105-01-01T00:00:00Z"));
        published.publish(List.of(
                entry("DONE", "2104-01-01T00:00:00Z", 30, false),
                entry("LATER", "2104-12-01T00:00:00Z", 90, true)));
        LocalBackendsResource.databaseProxy().cut();

        given().post("/internal/retention/run").then().statusCode(200).body("nothingDue", equalTo(true))
                .body("erased", equalTo(0));
    }

    @Test
    void aRetentionDueLongAgoAndNotDoneStillAsksTheDatabase() throws Exception {
        SettableClock.setTo(Instant.parse("2105-01-01T00:00:00Z"));
        published.publish(List.of(entry("FORGOTTEN", "2103-01-01T00:00:00Z", 30, true)));
        LocalBackendsResource.databaseProxy().cut();

        given().post("/internal/retention/run").then().statusCode(503);
    }

    /** The retention job did not run for weeks after a wave's retention fell due: the next run still erases it. */
    @Test
    void aRetentionMissedForWeeksStillAsksTheDatabase() throws Exception {
        SettableClock.setTo(Instant.parse("2019-01-01T00:00:00Z"));
        String code = "LATE-" + UUID.randomUUID().toString().substring(0, 6);
        Operator.operator().body(Map.of("code", code, "opensAt", "2019-02-01T00:00:00Z", "closesAt", "2019-03-01T00:00:00Z",
                "quota", 10, "retentionDays", 30)).post("/v1/admin/waves").then().statusCode(201);
        // Due 2019-03-31; the job was down until May.
        SettableClock.setTo(Instant.parse("2019-05-15T00:00:00Z"));
        LocalBackendsResource.databaseProxy().cut();

        given().post("/internal/retention/run").then().statusCode(503);
    }

    /** An operator shortened the retention of a closed wave so that it fell due weeks ago: the next run erases it. */
    @Test
    void aRetentionShortenedAfterTheCloseStillAsksTheDatabase() throws Exception {
        SettableClock.setTo(Instant.parse("2019-01-01T00:00:00Z"));
        String code = "SHORT-" + UUID.randomUUID().toString().substring(0, 6);
        Operator.operator().body(Map.of("code", code, "opensAt", "2019-02-01T00:00:00Z", "closesAt", "2019-03-01T00:00:00Z",
                "quota", 10, "retentionDays", 365)).post("/v1/admin/waves").then().statusCode(201);
        SettableClock.setTo(Instant.parse("2019-06-15T00:00:00Z"));
        Operator.operator().body(Map.of("retentionDays", 30)).patch("/v1/admin/waves/" + code).then().statusCode(200);
        LocalBackendsResource.databaseProxy().cut();

        given().post("/internal/retention/run").then().statusCode(503);
    }

    private static Entry entry(String code, String closesAt, int retentionDays, boolean retentionPending) {
        Instant closes = Instant.parse(closesAt);
        return new Entry(code, closes.minus(Duration.ofDays(10)), closes, 10, 0, retentionDays, "FIRST_COME", null,
                retentionPending, code.hashCode());
    }

    @Test
    void aRetentionRunWithSomethingDueAsksTheDatabase() throws Exception {
        // The open test wave's stored replies are due for forgetting while it is open.
        LocalBackendsResource.databaseProxy().cut();

        given().post("/internal/retention/run").then().statusCode(503);
    }

    @Test
    void whileAWaveIsOpenItsPlacesLeftComeFromTheDatabase() throws Exception {
        given().get("/v1/waves/current").then().statusCode(200).body("status", equalTo("OPEN"));
        LocalBackendsResource.databaseProxy().cut();

        given().get("/v1/waves/current").then().statusCode(503).header("Retry-After", equalTo("5"));
    }
}
