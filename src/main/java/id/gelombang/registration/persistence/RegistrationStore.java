package id.gelombang.registration.persistence;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The statements whose correctness under concurrency rests on the database: unique indexes and
 * conditional updates, never read-then-insert. Must run inside a transaction.
 */
@ApplicationScoped
public class RegistrationStore {

    public enum Claim {
        /** Row inserted and a place in the wave taken. */
        ACCEPTED,
        /** This NIK already holds a registration in this wave. */
        DUPLICATE,
        /** The family card already has as many registrations in this wave as the wave allows. */
        HOUSEHOLD_LIMIT,
        /** No place left. */
        FULL,
        /** The wave closed (or is not yet open) at this instant. */
        CLOSED
    }

    public record NewRegistration(UUID id, long waveId, String waveCode, int householdLimit, byte[] nikDigest,
            byte[] kkDigest, byte[] personalData, byte[] tokenDigest, byte[] emailCodeDigest, Instant createdAt) {
    }

    /**
     * Inserts the registration, takes one of its family card's places and one place of the wave's
     * quota, in a single statement. The unique index on (wave, NIK digest) makes concurrent
     * duplicates wait and then skip; the conditional upsert and UPDATE re-check the household and
     * quota counts on the latest row versions, so neither limit is ever exceeded. A registration
     * inserted without both places is removed again (and its household place returned) before
     * the caller commits. An accepted registration gets its verification jobs (the outbox the
     * workers drain) and its first email code in the same statement.
     */
    public Uni<Claim> insertAndClaimPlace(NewRegistration r) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                WITH inserted AS (
                    INSERT INTO registration (id, wave_id, wave_code, nik_digest, kk_digest, personal_data,
                                              token_digest, status, created_at, updated_at)
                    VALUES (:id, :waveId, :waveCode, :nikDigest, :kkDigest, :personalData,
                            :tokenDigest, 'REGISTERED', :now, :now)
                    ON CONFLICT (wave_id, nik_digest) WHERE released_at IS NULL DO NOTHING
                    RETURNING id),
                household_place AS (
                    INSERT INTO household (wave_id, kk_digest, registered)
                    SELECT :waveId, :kkDigest, 1 WHERE EXISTS (SELECT 1 FROM inserted)
                    ON CONFLICT (wave_id, kk_digest) DO UPDATE SET registered = household.registered + 1
                    WHERE household.registered < :householdLimit
                    RETURNING registered),
                claimed AS (
                    UPDATE wave SET registered_count = registered_count + 1
                    WHERE id = :waveId AND EXISTS (SELECT 1 FROM household_place)
                      AND (selection = 'DRAW' OR registered_count < quota) AND opens_at <= :now AND closes_at > :now
                    RETURNING id),
                jobs AS (
                    INSERT INTO verification_job (registration_id, kind, run_after, created_at)
                    SELECT inserted.id, kind, :now, :now
                    FROM inserted, unnest(ARRAY['EMAIL_CODE', 'NIK_CHECK']) AS kind
                    WHERE EXISTS (SELECT 1 FROM claimed)),
                first_code AS (
                    INSERT INTO email_code (registration_id, issue, code_digest, requested_at)
                    SELECT inserted.id, 1, :emailCodeDigest, :now FROM inserted
                    WHERE EXISTS (SELECT 1 FROM claimed))
                SELECT CASE
                    WHEN NOT EXISTS (SELECT 1 FROM inserted) THEN 'DUPLICATE'
                    WHEN EXISTS (SELECT 1 FROM claimed) THEN 'ACCEPTED'
                    WHEN NOT EXISTS (SELECT 1 FROM household_place) THEN 'HOUSEHOLD_LIMIT'
                    WHEN (SELECT opens_at <= :now AND closes_at > :now FROM wave WHERE id = :waveId) THEN 'FULL'
                    ELSE 'CLOSED' END""", String.class)
                .setParameter("id", r.id())
                .setParameter("waveId", r.waveId())
                .setParameter("waveCode", r.waveCode())
                .setParameter("nikDigest", r.nikDigest())
                .setParameter("kkDigest", r.kkDigest())
                .setParameter("personalData", r.personalData())
                .setParameter("tokenDigest", r.tokenDigest())
                .setParameter("householdLimit", r.householdLimit())
                .setParameter("emailCodeDigest", r.emailCodeDigest())
                .setParameter("now", OffsetDateTime.ofInstant(r.createdAt(), ZoneOffset.UTC))
                .getSingleResult())
                .map(Claim::valueOf)
                .call(claim -> switch (claim) {
                    case ACCEPTED, DUPLICATE -> Uni.createFrom().voidItem();
                    case HOUSEHOLD_LIMIT -> remove(r.id());
                    case FULL, CLOSED -> remove(r.id()).chain(() -> returnHouseholdPlace(r));
                });
    }

    private Uni<Integer> remove(UUID id) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("DELETE FROM registration WHERE id = :id")
                .setParameter("id", id)
                .executeUpdate());
    }

    private Uni<Integer> returnHouseholdPlace(NewRegistration r) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("UPDATE household SET registered = registered - 1 WHERE wave_id = :waveId AND kk_digest = :kkDigest")
                .setParameter("waveId", r.waveId())
                .setParameter("kkDigest", r.kkDigest())
                .executeUpdate());
    }

    /**
     * Releases a registration: it leaves the one-per-NIK index (released_at set) and gives back its
     * family-card place and its place in the wave, all in one statement. Only the first release of a
     * row changes anything, so a rejection followed by a withdrawal returns each place once. Returns
     * whether this call released it. Needs a transaction; must run before the digests are erased.
     */
    public Uni<Boolean> release(UUID id, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                WITH released AS (
                    UPDATE registration SET released_at = :now, updated_at = :now
                    WHERE id = :id AND released_at IS NULL
                    RETURNING wave_id, kk_digest),
                household_place AS (
                    UPDATE household SET registered = household.registered - 1
                    FROM released WHERE household.wave_id = released.wave_id AND household.kk_digest = released.kk_digest
                    RETURNING 1),
                wave_place AS (
                    UPDATE wave SET registered_count = wave.registered_count - 1
                    FROM released WHERE wave.id = released.wave_id
                    RETURNING 1)
                SELECT count(*) FROM released""", Long.class)
                .setParameter("id", id)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .getSingleResult())
                .map(released -> released > 0);
    }

    /** Marks a released and erased registration as withdrawn by its registrant. Needs a transaction. */
    public Uni<Integer> markWithdrawn(UUID id, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE registration SET status = 'WITHDRAWN', withdrawn_at = :now, updated_at = :now WHERE id = :id""")
                .setParameter("id", id)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .executeUpdate());
    }

    /**
     * Takes the transaction-scoped lock of an Idempotency-Key without waiting: false means another
     * request with the same key is in flight right now.
     */
    public Uni<Boolean> tryLockIdempotencyKey(byte[] keyDigest) {
        long lockId = ByteBuffer.wrap(keyDigest, 0, Long.BYTES).getLong();
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT pg_try_advisory_xact_lock(:lockId)", Boolean.class)
                .setParameter("lockId", lockId)
                .getSingleResult());
    }
}
