package id.gelombang.registration.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The instance validates a registration against its own copy of the waves; the registration
 * statement checks that copy against the table. Each test first lets the instance copy a wave,
 * then changes the wave behind its back (as an operator on another instance would), and shows the
 * next registration is decided and answered by the wave as it is now.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class RegistrationStaleWaveTest {

    @Inject
    Database db;

    @Test
    void aLoweredHouseholdLimitIsTheOneApplied() {
        String wave = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2099-01-01T00:00:00Z"), 100);
        Map<String, Object> first = Applicants.with(Applicants.valid(), "waveCode", wave);
        assertThat(register(first).statusCode()).isEqualTo(201);

        db.execute("UPDATE wave SET household_limit = 1 WHERE code = $1", wave);
        Map<String, Object> sameCard = Applicants.with(Applicants.with(Applicants.valid(), "waveCode", wave),
                "kkNumber", first.get("kkNumber"));
        Response refused = register(sameCard);

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.<String>path("type")).endsWith("/household-limit");
        assertThat(refused.<String>path("detail")).contains("already has 1 registrations");
        assertThat(db.registrationsInWave(wave)).isEqualTo(1);
    }

    @Test
    void aMovedOpeningDateDecidesTheAgeCheck() {
        // 17 on 1 January 2021, 18 from 1 June 2021.
        LocalDate birthDate = LocalDate.of(2003, 6, 1);
        String wave = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2099-01-01T00:00:00Z"), 100);
        Map<String, Object> tooYoung = Applicants.with(Applicants.valid(birthDate, true), "waveCode", wave);
        Response refused = register(tooYoung);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.<String>path("errors[0].field")).isEqualTo("birthDate");

        db.execute("UPDATE wave SET opens_at = '2021-07-01T00:00:00Z' WHERE code = $1", wave);
        Response accepted = register(Applicants.with(Applicants.valid(birthDate, true), "waveCode", wave));

        assertThat(accepted.statusCode()).isEqualTo(201);
        assertThat(db.registrationsInWave(wave)).isEqualTo(1);
    }

    @Test
    void aReopenedWaveAcceptsAndAClosedOneRefuses() {
        String wave = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2022-01-01T00:00:00Z"), 100);
        Response closed = register(Applicants.with(Applicants.valid(), "waveCode", wave));
        assertThat(closed.statusCode()).isEqualTo(409);
        assertThat(closed.<String>path("type")).endsWith("/wave-closed");

        db.execute("UPDATE wave SET closes_at = '2099-01-01T00:00:00Z' WHERE code = $1", wave);
        assertThat(register(Applicants.with(Applicants.valid(), "waveCode", wave)).statusCode()).isEqualTo(201);

        db.execute("UPDATE wave SET closes_at = '2022-01-01T00:00:00Z' WHERE code = $1", wave);
        Response closedAgain = register(Applicants.with(Applicants.valid(), "waveCode", wave));
        assertThat(closedAgain.statusCode()).isEqualTo(409);
        assertThat(closedAgain.<String>path("type")).endsWith("/wave-closed");
        assertThat(db.registrationsInWave(wave)).isEqualTo(1);
    }

    private static Response register(Map<String, Object> body) {
        return Api.register(UUID.randomUUID().toString(), body);
    }
}
