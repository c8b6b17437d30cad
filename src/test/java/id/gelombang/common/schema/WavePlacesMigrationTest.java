package id.gelombang.common.schema;

import static org.assertj.core.api.Assertions.assertThat;


import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Row;

/**
 * V10 moves a wave's count from its row into place shards. On a database that already has waves and
 * registrations (migrated up to V9 and used), every registration holding a place gets one in a shard,
 * each shard holds no more than its capacity, the shards sum to the quota, and released rows hold none.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class WavePlacesMigrationTest {

    @Inject
    Vertx vertx;

    @Inject
    Database db;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void registrationsMadeBeforeV10HoldTheirPlacesInShardsAfterIt() {
        try (ScratchDatabase scratch = new ScratchDatabase(db, vertx, url, user, password)) {
            // The versioned scripts alone (the current functions come after the last one), up to V9.
            scratch.flyway(c -> c.target("9").repeatableSqlMigrationPrefix("not-repeatable-")).migrate();
            // A first-come wave of 600 places with 517 registrations holding one and 40 released, a draw
            // wave (its quota is no cap) with 300, and a wave nobody registered in, as V9 kept them.
            scratch.run("""
                    INSERT INTO wave (code, opens_at, closes_at, quota, registered_count) VALUES
                        ('FIRST', now() - interval '1 day', now() + interval '1 day', 600, 517),
                        ('EMPTY', now() - interval '1 day', now() + interval '1 day', 5, 0);
                    INSERT INTO wave (code, opens_at, closes_at, quota, registered_count, selection) VALUES
                        ('DRAWN', now() - interval '1 day', now() + interval '1 day', 10, 300, 'DRAW');
                    INSERT INTO registration (id, wave_id, wave_code, nik_digest, kk_digest, personal_data, token_digest,
                                              status, released_at, created_at, updated_at)
                    SELECT gen_random_uuid(), w.id, w.code, sha256(convert_to(w.code || 'nik' || g, 'UTF8')),
                           sha256(convert_to(w.code || 'kk' || g, 'UTF8')), '\\x00', sha256(convert_to(w.code || 't' || g, 'UTF8')),
                           CASE WHEN g > w.registered_count THEN 'REJECTED' ELSE 'REGISTERED' END,
                           CASE WHEN g > w.registered_count THEN now() END, now(), now()
                    FROM wave w, generate_series(1, w.registered_count + CASE WHEN w.code = 'FIRST' THEN 40 ELSE 0 END) AS g;
                    """);
            scratch.flyway(c -> c.target("10").repeatableSqlMigrationPrefix("not-repeatable-")).migrate();

            Row first = scratch.one("""
                    SELECT count(*) AS shards, sum(p.capacity) AS capacity, sum(p.taken) AS taken,
                           count(*) FILTER (WHERE p.taken > p.capacity) AS over
                    FROM wave_place p JOIN wave w ON w.id = p.wave_id WHERE w.code = 'FIRST'""");
            assertThat(first.getLong("shards")).isEqualTo(256);
            assertThat(first.getLong("capacity")).isEqualTo(600);
            assertThat(first.getLong("taken")).isEqualTo(517);
            assertThat(first.getLong("over")).isZero();
            assertThat(scratch.count("""
                    SELECT count(*) FROM wave_place p
                    LEFT JOIN (SELECT wave_id, place_shard, count(*) AS n FROM registration
                               WHERE released_at IS NULL GROUP BY wave_id, place_shard) r
                           ON r.wave_id = p.wave_id AND r.place_shard = p.shard
                    WHERE coalesce(r.n, 0) <> p.taken""")).as("shards whose count differs from their rows").isZero();
            assertThat(scratch.count("SELECT count(*) FROM registration WHERE released_at IS NULL AND place_shard IS NULL"))
                    .isZero();
            assertThat(scratch.count("SELECT count(*) FROM registration WHERE released_at IS NOT NULL AND place_shard IS NOT NULL"))
                    .isZero();
            Row drawn = scratch.one("""
                    SELECT count(p.capacity) AS capped, sum(p.taken) AS taken
                    FROM wave_place p JOIN wave w ON w.id = p.wave_id WHERE w.code = 'DRAWN'""");
            assertThat(drawn.getLong("capped")).isZero();
            assertThat(drawn.getLong("taken")).isEqualTo(300);
            assertThat(scratch.count("""
                    SELECT sum(p.capacity) FROM wave_place p JOIN wave w ON w.id = p.wave_id WHERE w.code = 'EMPTY'"""))
                    .isEqualTo(5);
            assertThat(scratch.count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'wave' "
                    + "AND column_name = 'registered_count'")).as("the old count is gone").isZero();
        }
    }
}
