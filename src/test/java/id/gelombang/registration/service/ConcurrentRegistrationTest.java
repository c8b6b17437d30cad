package id.gelombang.registration.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.problem.ProblemException;
import id.gelombang.testing.Api;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.BusyBackends;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Many identical registrations at once. The service is called from many threads, each on its
 * own Vert.x context and its own pooled connection, so the transactions really overlap in
 * PostgreSQL; the HTTP variant goes through the Lambda event path as well.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class ConcurrentRegistrationTest {

    private static final int ATTEMPTS = 64;
    private static final int THREADS = 32;

    @Inject
    RegistrationService registrations;

    @Inject
    Database db;

    @Inject
    Vertx vertx;

    @Test
    void exactlyOneRegistrationPerNikWhenManyArriveAtOnce() throws Exception {
        String wave = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2099-01-01T00:00:00Z"), 1000);
        Map<String, Object> body = Applicants.with(Applicants.valid(), "waveCode", wave);
        RegistrationCommand command = Applicants.command(body);

        Concurrently.Outcome<Integer> outcome;
        try (BusyBackends busy = BusyBackends.sample(vertx)) {
            // A registration is one short statement, so a burst alone barely overlaps inside PostgreSQL.
            // A session holding every place shard of the wave keeps the first registrant's statement
            // waiting for a place, and with it the family card's place, open until the others have
            // piled up behind it (or a second has passed), then lets go.
            SqlConnection holder = db.pool().getConnection().await().atMost(Duration.ofSeconds(10));
            Transaction held = holder.begin().await().atMost(Duration.ofSeconds(10));
            holder.preparedQuery("SELECT 1 FROM wave_place p JOIN wave w ON w.id = p.wave_id WHERE w.code = $1 FOR UPDATE OF p")
                    .execute(Tuple.of(wave)).await().atMost(Duration.ofSeconds(10));
            Thread release = new Thread(() -> {
                Instant until = Instant.now().plusSeconds(1);
                while (busy.max() < 8 && Instant.now().isBefore(until)) {
                    Thread.onSpinWait();
                }
                held.rollback().chain(holder::close).await().atMost(Duration.ofSeconds(10));
            });
            release.start();
            outcome = Concurrently.run(ATTEMPTS, THREADS, i -> status(() -> registrations.register("same-nik-" + UUID.randomUUID(), command)));
            release.join();
            busy.close();
            // Seen by PostgreSQL itself: many sessions inside a registration transaction at one instant
            // (the pool holds 20; the duplicates wait for the family card's place, so they pile up).
            assertThat(busy.max()).as("backends in a transaction at once (%d samples)", busy.samples()).isGreaterThanOrEqualTo(8);
        }

        assertThat(outcome.maxInFlight()).as("registrations running at the same time").isGreaterThanOrEqualTo(THREADS / 2);
        assertThat(outcome.results()).filteredOn(s -> s == 201).hasSize(1);
        assertThat(outcome.results()).filteredOn(s -> s == 409).hasSize(ATTEMPTS - 1);
        assertThat(db.registrationsInWave(wave)).isEqualTo(1);
        assertThat(db.registeredCount(wave)).isEqualTo(1);
    }

    @Test
    void theSameHarnessBreaksAReadThenInsertImplementation() throws Exception {
        // Proves the overlap above is real: check-then-insert without a unique index lets duplicates in.
        db.pool().query("CREATE TABLE IF NOT EXISTS naive_registration (nik text NOT NULL)").execute()
                .await().atMost(Duration.ofSeconds(10));
        String nik = "naive-" + UUID.randomUUID();
        Concurrently.run(ATTEMPTS, THREADS, i -> db.pool().withTransaction(conn -> conn
                .preparedQuery("SELECT count(*) FROM naive_registration WHERE nik = $1").execute(Tuple.of(nik))
                // the work a service does between its check and its insert (validation, encryption)
                .call(() -> conn.query("SELECT pg_sleep(0.05)").execute())
                .chain(rows -> rows.iterator().next().getLong(0) > 0
                        ? Uni.createFrom().item(409)
                        : conn.preparedQuery("INSERT INTO naive_registration VALUES ($1)").execute(Tuple.of(nik)).replaceWith(201)))
                .await().atMost(Duration.ofSeconds(60)));
        assertThat(db.count("SELECT count(*) FROM naive_registration WHERE nik = $1", nik)).isGreaterThan(1);
    }

    @Test
    void theSameIdempotencyKeyFromManyRetriesCreatesOneRegistration() throws Exception {
        String wave = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2099-01-01T00:00:00Z"), 1000);
        RegistrationCommand command = Applicants.command(Applicants.with(Applicants.valid(), "waveCode", wave));
        String key = "retry-storm-" + UUID.randomUUID();

        var outcome = Concurrently.run(ATTEMPTS, THREADS, i -> status(() -> registrations.register(key, command)));

        // Each retry either got the first answer (201, replayed) or was told to wait (409 in flight).
        assertThat(outcome.results()).allMatch(s -> s == 201 || s == 409);
        assertThat(outcome.results()).contains(201);
        assertThat(db.registrationsInWave(wave)).isEqualTo(1);
    }

    @Test
    void concurrentHttpRequestsThroughTheLambdaEventPathAlsoYieldOneRow() throws Exception {
        String wave = db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2099-01-01T00:00:00Z"), 1000);
        Map<String, Object> body = Applicants.with(Applicants.valid(), "waveCode", wave);

        var outcome = Concurrently.run(ATTEMPTS, 16, i -> Api.register("http-" + UUID.randomUUID(), body).statusCode());

        assertThat(outcome.results()).filteredOn(s -> s == 201).hasSize(1);
        assertThat(outcome.results()).filteredOn(s -> s == 409).hasSize(ATTEMPTS - 1);
        assertThat(db.registrationsInWave(wave)).isEqualTo(1);
    }


    private static int status(java.util.function.Supplier<Uni<StoredReply>> call) {
        try {
            return VertxContextSupport.subscribeAndAwait(call).status();
        } catch (ProblemException e) {
            return e.problem().status();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

}
