package id.gelombang.access.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.access.domain.AccessCodeRules;
import id.gelombang.registration.domain.RegistrationStatus;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The access codes' SQL (db/migration V14). The registrant's two calls are one statement each, sent
 * through the pool outside any Hibernate session, and each runs the same statements whatever the
 * outcome, so neither answers nor timing tell whether a NIK is registered.
 */
@ApplicationScoped
public class AccessCodeStore {

    /** A code asked for: every digest computed by the caller, the code itself nowhere. */
    public record CodeRequest(byte[] nikDigest, byte[] birthDigest, long nonce, byte[] codeDigest, byte[] keyDigest,
            Instant now) {
    }

    /** The registration a right code opened. */
    public record Opened(UUID id, String waveCode, RegistrationStatus status) {
    }

    /** A code waiting to be mailed, with the registration's sealed personal data to check and address it with. */
    public record Pending(long nonce, byte[] birthDigest, byte[] personalData, String waveCode) {
    }

    private static final String REQUEST = "SELECT count(*) FROM request_access_code($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    /** A verdict of a draw still being made is not shown (it is REGISTERED until the draw is published). */
    private static final String OPEN = """
            SELECT o.opened_id, o.opened_wave_code,
                   CASE WHEN o.opened_status IN ('SELECTED', 'NOT_SELECTED') AND w.drawn_at IS NULL THEN 'REGISTERED'
                        ELSE o.opened_status END AS opened_status
            FROM open_with_access_code($1, $2, $3, $4, $5, $6, $7) o LEFT JOIN wave w ON w.code = o.opened_wave_code""";

    private final Pool pool;

    public AccessCodeStore(Pool pool) {
        this.pool = pool;
    }

    /** POST /v1/registrations/access-codes: one round trip, within the per-NIK limits. Must not run inside a transaction. */
    public Uni<Void> request(CodeRequest r) {
        return pool.preparedQuery(REQUEST).execute(requestParameters(r, true)).replaceWithVoid();
    }

    /**
     * A code issued whatever the per-NIK limits (the operators' recovery), in the caller's
     * transaction. Needs a transaction.
     */
    public Uni<Void> requestUnlimited(CodeRequest r) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT count(*) FROM request_access_code(:nik, :birth, :nonce, :code, CAST(:key AS bytea), :now,
                                                         :perWindow, :windowSeconds, :intervalSeconds, false)""", Long.class)
                .setParameter("nik", r.nikDigest())
                .setParameter("birth", r.birthDigest())
                .setParameter("nonce", r.nonce())
                .setParameter("code", r.codeDigest())
                .setParameter("key", r.keyDigest())
                .setParameter("now", utc(r.now()))
                .setParameter("perWindow", AccessCodeRules.CODES_PER_WINDOW)
                .setParameter("windowSeconds", (int) AccessCodeRules.WINDOW.toSeconds())
                .setParameter("intervalSeconds", (int) AccessCodeRules.INTERVAL.toSeconds())
                .getSingleResult())
                .replaceWithVoid();
    }

    /**
     * POST /v1/registrations/access: one round trip. The registration opened, with {@code tokenDigest}
     * now its only token, or null (wrong, used or expired code, or no registration).
     */
    public Uni<Opened> open(byte[] nikDigest, byte[] birthDigest, byte[] codeDigest, byte[] tokenDigest, Instant now) {
        Tuple parameters = Tuple.tuple()
                .addValue(Buffer.buffer(nikDigest))
                .addValue(Buffer.buffer(birthDigest))
                .addValue(Buffer.buffer(codeDigest))
                .addValue(Buffer.buffer(tokenDigest))
                .addValue(utc(now))
                .addValue((int) AccessCodeRules.CODE_LIFETIME.toSeconds())
                .addValue(AccessCodeRules.MAX_WRONG_CODES);
        return pool.preparedQuery(OPEN).execute(parameters).map(rows -> {
            Row row = rows.iterator().next();
            UUID id = row.getUUID("opened_id");
            return id == null ? null : new Opened(id, row.getString("opened_wave_code"),
                    RegistrationStatus.valueOf(row.getString("opened_status")));
        });
    }

    /**
     * The code the email job of this registration is to mail, if it is still unsent and unused, the
     * registration still has its personal data and its address has not bounced or complained (SES
     * would count a bounce again; support's recovery gives such a registrant a new address). Needs a
     * session.
     */
    public Uni<Pending> pending(UUID registrationId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT a.nonce, a.birth_digest, r.personal_data, r.wave_code
                FROM access_code a JOIN registration r ON r.id = a.registration_id
                WHERE a.registration_id = :id AND a.sent_at IS NULL AND a.used_at IS NULL
                  AND r.personal_data IS NOT NULL AND r.status <> 'WITHDRAWN' AND r.email_undeliverable IS NULL""", Object[].class)
                .setParameter("id", registrationId)
                .getResultList())
                .map((List<Object[]> rows) -> rows.isEmpty() ? null : new Pending(((Number) rows.get(0)[0]).longValue(),
                        (byte[]) rows.get(0)[1], (byte[]) rows.get(0)[2], (String) rows.get(0)[3]));
    }

    /** The code was mailed: its lifetime starts now. Only that code, and only once. Needs a transaction. */
    public Uni<Void> sent(UUID registrationId, long nonce, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE access_code SET sent_at = :now
                WHERE registration_id = :id AND nonce = :nonce AND sent_at IS NULL AND used_at IS NULL""")
                .setParameter("now", utc(now))
                .setParameter("id", registrationId)
                .setParameter("nonce", nonce)
                .executeUpdate())
                .replaceWithVoid();
    }

    private static Tuple requestParameters(CodeRequest r, boolean limited) {
        return Tuple.tuple()
                .addValue(Buffer.buffer(r.nikDigest()))
                .addValue(Buffer.buffer(r.birthDigest()))
                .addValue(r.nonce())
                .addValue(Buffer.buffer(r.codeDigest()))
                .addValue(r.keyDigest() == null ? null : Buffer.buffer(r.keyDigest()))
                .addValue(utc(r.now()))
                .addValue(AccessCodeRules.CODES_PER_WINDOW)
                .addValue((int) AccessCodeRules.WINDOW.toSeconds())
                .addValue((int) AccessCodeRules.INTERVAL.toSeconds())
                .addValue(limited);
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
