package id.gelombang.common.observability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Database;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Stdout;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A worker function's run (the scheduled drain) ends with one metric line: the jobs it settled
 * (the outbound pace) and the backlog it leaves, counted in the database.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class VerificationMetricsTest {

    @Inject
    Database db;

    @Test
    void aWorkerRunReportsWhatItSettledAndTheBacklogItLeaves() throws Exception {
        Registered mailed = Api.registerNew();
        Registered waiting = Api.registerNew();
        Jobs.parkAllOpen(db);
        Jobs.makeDue(db, mailed.id());
        // Another worker holds this one under a lease, and it has been due for five minutes.
        db.execute("""
                UPDATE verification_job SET state = 'RUNNING', lease_token = gen_random_uuid(), lease_until = now() + interval '10 minutes',
                       run_after = now() - interval '5 minutes'
                WHERE registration_id = $1 AND kind = 'EMAIL_CODE'""", UUID.fromString(waiting.id()));

        Stdout.Captured<Integer> run = Stdout.during(() -> given()
                .post("/internal/workers/EMAIL_CODE/drain?seconds=5&untilIdle=true").then().statusCode(200)
                .extract().path("settled"));

        assertThat(run.result()).isEqualTo(1);
        JsonNode sample = run.metrics().stream().filter(m -> m.has(Metrics.VERIFICATION_DUE)).findFirst().orElseThrow();
        assertThat(sample.get("Kind").asText()).isEqualTo("EMAIL_CODE");
        assertThat(sample.get(Metrics.VERIFICATION_SETTLED).asLong()).isEqualTo(1);
        assertThat(sample.get(Metrics.VERIFICATION_DUE).asLong()).isEqualTo(1);
        assertThat(sample.get(Metrics.VERIFICATION_OLDEST_DUE).asLong()).isBetween(240L, 600L);
        db.execute("UPDATE verification_job SET state = 'DONE', lease_token = NULL WHERE registration_id = $1",
                UUID.fromString(waiting.id()));
    }
}
