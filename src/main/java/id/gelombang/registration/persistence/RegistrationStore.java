package id.gelombang.registration.persistence;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.database.SqlValues;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.wave.CurrentWave;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The statements whose correctness under concurrency rests on the database: unique indexes and
 * conditional updates, never read-then-insert.
 */
@ApplicationScoped
public class RegistrationStore {

    /** What {@link #register} decided. */
    public enum Outcome {
        /** Another request with the same Idempotency-Key holds its lock right now; nothing done. */
        IN_FLIGHT,
        /** The key already has a stored reply: it is in the result; nothing done. */
        STORED,
        /** The wave differs from the one the request was validated against; nothing done. */
        STALE,
        /** The request failed validation and the key has no stored reply; nothing done. */
        INVALID,
        /** Row inserted, a family-card place and a place in the wave taken, jobs queued. */
        ACCEPTED,
        /** This NIK already holds a registration in this wave. */
        DUPLICATE,
        /** The family card already has as many registrations in this wave as the wave allows. */
        HOUSEHOLD_LIMIT,
        /** No place left. */
        FULL,
        /** No wave, or the wave is not open at this instant. */
        CLOSED,
        /** The email address already serves as many registrations in this wave as the limit allows. */
        EMAIL_LIMIT,
        /** The source made as many attempts this minute as the limit allows; nothing done, no reply stored. */
        RATE_LIMITED
    }

    /**
     * The limits on volume the statement enforces (0: off): registrations per address per wave, by a
     * keyed digest of the address's canonical form; attempts per source per minute, by a keyed
     * digest of the caller's address and the minute it falls in. A null digest leaves its limit out
     * (an invalid request has no address; a direct invocation no source).
     */
    public record Limits(byte[] emailDigest, int perEmailPerWave, byte[] sourceDigest, Instant sourceWindow,
            int perSourcePerMinute) {

        public static final Limits NONE = new Limits(null, 0, null, null, 0);
    }

    /** What registration needs of a wave. */
    public record WaveFacts(long id, String code, Instant opensAt, Instant closesAt, int householdLimit, boolean draw)
            implements CurrentWave.Scheduled {
    }

    /** The wave code the request named (null: the wave open now) and the wave it was validated against (null: none). */
    public record ExpectedWave(String requestedCode, WaveFacts wave) {
    }

    /** A registration ready to insert: everything sealed and digested by the caller. */
    public record NewRegistration(UUID id, byte[] nikDigest, byte[] kkDigest, byte[] personalData, byte[] tokenDigest,
            byte[] emailCodeDigest, String location) {
    }

    /** A reply the statement may store: the status and the encrypted body. */
    public record EncryptedReply(int status, byte[] body) {
    }

    /**
     * One registration attempt. {@code registration} is null when the request failed validation;
     * {@code replies} holds the reply of each outcome the attempt may be decided with (an outcome the
     * statement decides without a reply here is an error).
     */
    public record Attempt(String keyDigest, byte[] requestDigest, Instant now, ExpectedWave wave,
            NewRegistration registration, Map<Outcome, EncryptedReply> replies, Limits limits) {
    }

    /** The decision; for STORED the reply stored for the key, for STALE every wave as it is now. */
    public record Result(Outcome outcome, Integer status, String location, byte[] body, byte[] requestDigest,
            UUID registrationId, List<WaveFacts> waves) {
    }

    /** By name, so no caller depends on the order of the function's parameters (db/migration R__registration.sql). */
    private static final String REGISTER = """
            SELECT * FROM register_in_one_statement(
                p_key_digest => $1, p_lock_id => $2, p_request_digest => $3, p_now => $4,
                p_wave_code => $5, p_wave_id => $6, p_opens_at => $7, p_closes_at => $8, p_household_limit => $9,
                p_draw => $10,
                p_id => $11, p_nik_digest => $12, p_kk_digest => $13, p_personal_data => $14, p_token_digest => $15,
                p_email_code_digest => $16, p_location => $17,
                p_reply_outcomes => $18, p_statuses => $19, p_replies => $20,
                p_email_digest => $21, p_email_limit => $22, p_source_digest => $23, p_source_window => $24,
                p_source_limit => $25)""";

    /** What the registration table's trigger raises for a NIK that withdrew from the same draw wave (db/migration V16). */
    private static final String WITHDRAWN_FROM_DRAW = "GW409";

    private final Pool pool;

    public RegistrationStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * The whole registration in one statement (db/migration R__registration.sql, {@code register_in_one_statement}),
     * so one round trip in one implicit transaction: the Idempotency-Key's lock, its stored reply,
     * the limits on volume (per email address and wave, per source and minute), the check of the
     * wave, the row with its NIK, family-card and wave places (a place in one of the wave's shards),
     * the verification jobs and the reply. Sent through the pool, outside any Hibernate session or transaction:
     * Hibernate would add nothing but its own work. Must not run inside a transaction of the caller.
     */
    public Uni<Result> register(Attempt a) {
        NewRegistration r = a.registration();
        List<String> outcomes = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        List<Buffer> replies = new ArrayList<>();
        a.replies().forEach((outcome, reply) -> {
            if (reply != null) {
                outcomes.add(outcome.name());
                statuses.add(reply.status());
                replies.add(Buffer.buffer(reply.body()));
            }
        });
        WaveFacts wave = a.wave().wave();
        Tuple parameters = Tuple.tuple()
                .addValue(a.keyDigest())
                .addValue(ByteBuffer.wrap(HexFormat.of().parseHex(a.keyDigest()), 0, Long.BYTES).getLong())
                .addValue(Buffer.buffer(a.requestDigest()))
                .addValue(utc(a.now()))
                .addValue(a.wave().requestedCode())
                .addValue(wave == null ? null : wave.id())
                .addValue(wave == null ? null : utc(wave.opensAt()))
                .addValue(wave == null ? null : utc(wave.closesAt()))
                .addValue(wave == null ? null : wave.householdLimit())
                .addValue(wave == null ? null : wave.draw())
                .addValue(r == null ? null : r.id())
                .addValue(r == null ? null : Buffer.buffer(r.nikDigest()))
                .addValue(r == null ? null : Buffer.buffer(r.kkDigest()))
                .addValue(r == null ? null : Buffer.buffer(r.personalData()))
                .addValue(r == null ? null : Buffer.buffer(r.tokenDigest()))
                .addValue(r == null ? null : Buffer.buffer(r.emailCodeDigest()))
                .addValue(r == null ? null : r.location())
                .addValue(outcomes.toArray(String[]::new))
                .addValue(statuses.toArray(Integer[]::new))
                .addValue(replies.toArray(Buffer[]::new))
                .addValue(bytes(a.limits().emailDigest()))
                .addValue(a.limits().perEmailPerWave())
                .addValue(bytes(a.limits().sourceDigest()))
                .addValue(a.limits().sourceWindow() == null ? null : utc(a.limits().sourceWindow()))
                .addValue(a.limits().perSourcePerMinute());
        return pool.preparedQuery(REGISTER).execute(parameters)
                .onFailure(e -> e instanceof PgException pg && WITHDRAWN_FROM_DRAW.equals(pg.getSqlState()))
                .transform(e -> ProblemType.WITHDRAWN_FROM_DRAW.exception("This NIK withdrew from this wave, which is "
                        + "decided by a draw; it can take part again in a later wave."))
                .map(rows -> {
            Row row = rows.iterator().next();
            var body = row.getBuffer("response_body");
            var requestDigest = row.getBuffer("request_digest");
            List<WaveFacts> waves = new ArrayList<>();
            for (Row each : rows) {
                if (each.getLong("wave_id") != null) {
                    waves.add(new WaveFacts(each.getLong("wave_id"), each.getString("wave_code"),
                            each.getOffsetDateTime("wave_opens_at").toInstant(), each.getOffsetDateTime("wave_closes_at").toInstant(),
                            each.getInteger("wave_household_limit"), each.getBoolean("wave_draw")));
                }
            }
            return new Result(Outcome.valueOf(row.getString("outcome")), row.getInteger("response_status"),
                    row.getString("location"), body == null ? null : body.getBytes(),
                    requestDigest == null ? null : requestDigest.getBytes(), row.getUUID("registration_id"), waves);
        });
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Buffer bytes(byte[] value) {
        return value == null ? null : Buffer.buffer(value);
    }

    /**
     * Releases a registration: it leaves the one-per-NIK index (released_at set) and gives back its
     * family-card place, its email address's use and its place in its wave's shard, in one statement
     * (db/migration R__registration.sql, {@code release_registration}). Only the first release of a row changes
     * anything, so a rejection followed by a withdrawal returns each place once. Returns whether this
     * call released it. Needs a transaction; must run before the digests are erased.
     */
    public Uni<Boolean> release(UUID id, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT release_registration(:id, :now)", Boolean.class)
                .setParameter("id", id)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .getSingleResult());
    }

    /**
     * Moves the registration's use of an email address (V15's wave_email) to {@code digest}, unless
     * that address already has {@code limit} uses in the wave: false then, and nothing changed. True
     * when moved, or when there is nothing to move (the same address, a released registration, one
     * registered while the limit was off). One statement; needs the registration's row lock.
     */
    public Uni<Boolean> moveEmailUse(UUID id, byte[] digest, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                WITH holder AS (
                    SELECT wave_id, email_use_digest AS old_digest FROM registration
                    WHERE id = :id AND released_at IS NULL AND email_use_digest IS NOT NULL
                      AND email_use_digest <> :digest),
                taken AS (
                    INSERT INTO wave_email (wave_id, email_digest, registered)
                    SELECT wave_id, :digest, 1 FROM holder
                    ON CONFLICT (wave_id, email_digest) DO UPDATE SET registered = wave_email.registered + 1
                        WHERE wave_email.registered < :limit
                    RETURNING wave_id),
                given_back AS (
                    UPDATE wave_email e SET registered = e.registered - 1 FROM holder h, taken t
                    WHERE e.wave_id = h.wave_id AND e.email_digest = h.old_digest
                    RETURNING 1),
                moved AS (
                    UPDATE registration r SET email_use_digest = :digest FROM taken t WHERE r.id = :id
                    RETURNING 1)
                SELECT (SELECT count(*) FROM holder) = (SELECT count(*) FROM moved)""", Boolean.class)
                .setParameter("id", id)
                .setParameter("digest", digest)
                .setParameter("limit", limit)
                .getSingleResult());
    }

    /** The id of the wave with this code; null when there is none. Needs a session. */
    public Uni<Long> waveIdOf(String code) {
        return Panache.getSession().chain(session -> session.createNativeQuery("SELECT id FROM wave WHERE code = :code", Long.class)
                .setParameter("code", code)
                .getResultList())
                .map(ids -> ids.isEmpty() ? null : ids.get(0));
    }

    /** A registration of a wave, found by its NIK's digest: the one holding the NIK, or one voided under a case reference. */
    public record Held(UUID id, long waveId, String status, Instant voidedAt, List<String> photoKeys) {
    }

    /**
     * The registration of the wave holding this NIK (not released), locked until the transaction
     * ends; null when none does. Needs a transaction.
     */
    public Uni<Held> holderOf(long waveId, byte[] nikDigest) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT id, wave_id, status, voided_at, ktp_pending_key, ktp_object_key FROM registration
                WHERE wave_id = :waveId AND nik_digest = :nikDigest AND released_at IS NULL
                FOR UPDATE""", Object[].class)
                .setParameter("waveId", waveId)
                .setParameter("nikDigest", nikDigest)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : held(rows.get(0)));
    }

    /** The registration of the wave an operator voided under this case reference; null when none. Needs a session. */
    public Uni<Held> voidedUnder(long waveId, String caseReference) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT id, wave_id, status, voided_at, ktp_pending_key, ktp_object_key FROM registration
                WHERE wave_id = :waveId AND void_case = :caseReference""", Object[].class)
                .setParameter("waveId", waveId)
                .setParameter("caseReference", caseReference)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : held(rows.get(0)));
    }

    private static Held held(Object[] row) {
        List<String> photos = new ArrayList<>();
        for (int i = 4; i < 6; i++) {
            if (row[i] != null) {
                photos.add((String) row[i]);
            }
        }
        Instant voidedAt = SqlValues.instant(row[3]);
        return new Held((UUID) row[0], ((Number) row[1]).longValue(), (String) row[2], voidedAt, photos);
    }

    /**
     * Marks a released registration VOIDED under the case reference that proved it fraudulent
     * (unique per wave: a second void under it fails). Needs a transaction.
     */
    public Uni<Integer> markVoided(UUID id, String caseReference, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE registration SET status = 'VOIDED', voided_at = :now, void_case = :caseReference, updated_at = :now
                WHERE id = :id""")
                .setParameter("id", id)
                .setParameter("caseReference", caseReference)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .executeUpdate());
    }

    /**
     * Keeps the NIK's keyed digest of a registration withdrawing from a draw wave not yet drawn, so that
     * the NIK cannot register in that wave again before its draw (no re-roll); the draw forgets it.
     * Only for a NIK the registry verified: a squatter withdrawing a leaked NIK must not lock its owner
     * out of the wave. Needs a transaction; must run before the digests are erased.
     */
    public Uni<Void> rememberWithdrawalFromDraw(UUID id) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO draw_withdrawal (wave_id, nik_digest)
                SELECT r.wave_id, r.nik_digest FROM registration r JOIN wave w ON w.id = r.wave_id
                WHERE r.id = :id AND r.nik_digest IS NOT NULL AND r.nik_verification = 'VERIFIED'
                  AND w.selection = 'DRAW' AND w.drawn_at IS NULL
                ON CONFLICT DO NOTHING""")
                .setParameter("id", id)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** Marks a released and erased registration as withdrawn by its registrant. Needs a transaction. */
    public Uni<Integer> markWithdrawn(UUID id, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE registration SET status = 'WITHDRAWN', withdrawn_at = :now, updated_at = :now WHERE id = :id""")
                .setParameter("id", id)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .executeUpdate());
    }
}
