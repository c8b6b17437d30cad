package id.gelombang.wave.schedule;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Operator;
import id.gelombang.testing.SettableClock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

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

    @AfterEach
    void backToNow() throws Exception {
        LocalBackendsResource.databaseProxy().restore();
        SettableClock.setTo(null);
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
        // Every wave of the suite is past its close, its replies' 48 hours and its retention (at most 730 days) + 14 days.
        SettableClock.setTo(Instant.parse("2105-01-01T00:00:00Z"));
        LocalBackendsResource.databaseProxy().cut();

        given().post("/internal/retention/run").then().statusCode(200).body("nothingDue", equalTo(true))
                .body("erased", equalTo(0));
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
