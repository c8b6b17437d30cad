package id.gelombang.registration.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.problem.ProblemException;
import id.gelombang.testing.Api;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Operator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Quota and household limits under real concurrency: service calls on many threads, each with
 * its own Vert.x context and pooled connection, so the transactions overlap in PostgreSQL.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class WaveLimitsUnderLoadTest {

    @Inject
    RegistrationService registrations;

    @Inject
    Database db;

    @Test
    void aWaveTakesExactlyItsQuotaFromThousandsOfRegistrants() throws Exception {
        int quota = 300;
        int registrants = 2_000;
        String wave = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2099-01-01T00:00:00Z"), quota);

        var outcome = Concurrently.run(registrants, 32, i -> outcome(Applicants.with(Applicants.valid(), "waveCode", wave)));

        assertThat(outcome.maxInFlight()).as("registrations in flight at once").isGreaterThanOrEqualTo(16);
        assertThat(outcome.results()).filteredOn("201"::equals).hasSize(quota);
        assertThat(outcome.results()).filteredOn("wave-full"::equals).hasSize(registrants - quota);
        assertThat(db.registrationsInWave(wave)).isEqualTo(quota);
        assertThat(db.registeredCount(wave)).isEqualTo(quota);
        Operator.operator().get("/v1/admin/waves/" + wave).then().statusCode(200)
                .body("registered", org.hamcrest.Matchers.equalTo(quota))
                .body("remaining", org.hamcrest.Matchers.equalTo(0));
    }

    @Test
    void aFamilyCardGetsAtMostItsWavesLimitEvenWhenAllRegisterAtOnce() throws Exception {
        String wave = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2099-01-01T00:00:00Z"), 1000);
        String kk = "3171230202990001";

        var outcome = Concurrently.run(40, 20, i -> outcome(
                Applicants.with(Applicants.with(Applicants.valid(), "waveCode", wave), "kkNumber", kk)));

        assertThat(outcome.results()).filteredOn("201"::equals).hasSize(2);
        assertThat(outcome.results()).filteredOn("household-limit"::equals).hasSize(38);
        assertThat(db.registrationsInWave(wave)).isEqualTo(2);
        assertThat(db.registeredCount(wave)).isEqualTo(2);
    }

    @Test
    void aRegistrationRefusedForAFullWaveGivesItsHouseholdPlaceBack() {
        String wave = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2099-01-01T00:00:00Z"), 1);
        String kk = "3171230303980001";
        assertThat(outcome(Applicants.with(Applicants.valid(), "waveCode", wave))).isEqualTo("201");
        Map<String, Object> sameFamily = Applicants.with(Applicants.with(Applicants.valid(), "waveCode", wave), "kkNumber", kk);
        assertThat(outcome(sameFamily)).isEqualTo("wave-full");

        Operator.operator().body(Map.of("quota", 5)).patch("/v1/admin/waves/" + wave).then().statusCode(200);
        for (int i = 0; i < 2; i++) {
            assertThat(outcome(Applicants.with(Applicants.with(Applicants.valid(), "waveCode", wave), "kkNumber", kk)))
                    .isEqualTo("201");
        }
        Api.register(UUID.randomUUID().toString(),
                Applicants.with(Applicants.with(Applicants.valid(), "waveCode", wave), "kkNumber", kk))
                .then().statusCode(409).body("type", org.hamcrest.Matchers.endsWith("/household-limit"));
    }

    /** "201", or the last segment of the problem type. */
    private String outcome(Map<String, Object> b) {
        RegistrationCommand command = Applicants.command(b);
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
