package id.gelombang.testing;

import java.time.Duration;

import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Many registrations in a wave at once, inserted by SQL at the application's width as the bench makes
 * them (NIK VERIFIED, their verification jobs and email code already worked off), for tests of draws
 * whose waves must be large or must not wait on the API. Written as a restore would write them: without
 * the triggers that decide a new registration's or job's fate (those rules have tests of their own),
 * which would otherwise look up the whole wave once per row.
 */
public final class BulkRegistrations {

    private BulkRegistrations() {
    }

    public static void addVerified(Database db, String waveCode, int rows) {
        db.pool().withTransaction(conn -> conn.query("SET LOCAL session_replication_role = replica").execute()
                .chain(() -> conn.query("SET LOCAL statement_timeout = '60s'").execute())
                .chain(() -> conn.preparedQuery("""
                WITH r AS (
                    INSERT INTO registration (id, wave_id, wave_code, nik_digest, kk_digest, personal_data, token_digest,
                                              status, nik_verification, created_at, updated_at)
                    SELECT gen_random_uuid(), w.id, w.code, sha256(convert_to(w.code || g, 'UTF8')),
                           sha256(convert_to('kk' || w.code || g, 'UTF8')), decode(repeat('ab', 190), 'hex'),
                           sha256(convert_to('token' || w.code || g, 'UTF8')), 'REGISTERED', 'VERIFIED', now(), now()
                    FROM wave w, generate_series($2::int, $3::int) g WHERE w.code = $1
                    RETURNING id),
                jobs AS (
                    INSERT INTO verification_job (registration_id, kind, state, run_after, created_at, finished_at)
                    SELECT id, kind, 'DONE', now(), now(), now() FROM r, unnest(ARRAY['EMAIL_CODE', 'NIK_CHECK']) kind)
                INSERT INTO email_code (registration_id, issue, code_digest, requested_at, sent_at)
                SELECT id, 1, sha256(convert_to(id::text, 'UTF8')), now(), now() FROM r""")
                        .execute(Tuple.of(waveCode, 1, rows))))
                .await().atMost(Duration.ofMinutes(2));
    }

    /**
     * Removes a wave's registrations again (and what refers to them), so later tests scan a small
     * database. Without the foreign keys' checks, which would scan the job table once per row.
     */
    public static void removeAll(Database db, String waveCode) {
        Tuple wave = Tuple.of(waveCode);
        db.pool().withTransaction(conn -> conn.query("SET LOCAL session_replication_role = replica").execute()
                .chain(() -> conn.query("SET LOCAL statement_timeout = '60s'").execute())
                .chain(() -> conn.preparedQuery("""
                        DELETE FROM email_code c USING registration r WHERE r.id = c.registration_id AND r.wave_code = $1""")
                        .execute(wave))
                .chain(() -> conn.preparedQuery("""
                        DELETE FROM verification_job j USING registration r WHERE r.id = j.registration_id AND r.wave_code = $1""")
                        .execute(wave))
                .chain(() -> conn.preparedQuery("DELETE FROM registration WHERE wave_code = $1").execute(wave)))
                .await().atMost(Duration.ofMinutes(2));
    }
}
