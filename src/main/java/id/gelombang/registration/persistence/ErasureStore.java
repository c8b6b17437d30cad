package id.gelombang.registration.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Erasure of registrants' personal data, shared by withdrawal and retention: every copy the
 * database keeps (the row's sealed data and lookup digests, the email code, the access code with
 * its NIK digest, open verification jobs, pending outcome notices among them). The KTP objects in S3 are the caller's to delete, before these rows forget their keys.
 * What remains is a row without personal data (id, wave, statuses, timestamps) for counting.
 * Every method needs a transaction.
 */
@ApplicationScoped
public class ErasureStore {

    /**
     * Erases the registrations' personal data in one statement: personal data, NIK, family-card and
     * email digests (the one its address was counted under too), KTP object keys and declaration,
     * email codes, access codes (and the NIK's request limits when no registration held them: the
     * sub-select sees the digests before this update); open verification jobs, outcome notices and
     * mails of codes included, are cancelled and lose their lease, so a worker still holding one
     * cannot record a result. Erasing an
     * erased row again changes nothing that matters. Returns how many rows it erased.
     */
    public Uni<Long> erase(Collection<UUID> registrationIds, Instant now) {
        return erase(registrationIds, now, false);
    }

    /**
     * As {@link #erase}, but the sealed personal record stays for one last message to the
     * registration's address (a voided registration's notice), which erases it after; erased_at is
     * set then. Nothing can find the row by any digest in between.
     */
    public Uni<Long> eraseAllButTheSealedRecord(Collection<UUID> registrationIds, Instant now) {
        return erase(registrationIds, now, true);
    }

    /** Erases the sealed personal record a registration kept for its last message. Needs a transaction. */
    public Uni<Long> eraseSealedRecord(UUID registrationId, Instant now) {
        return erase(java.util.List.of(registrationId), now, false);
    }

    private Uni<Long> erase(Collection<UUID> registrationIds, Instant now, boolean keepSealedRecord) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                WITH erased AS (
                    UPDATE registration SET
                           personal_data = CASE WHEN :keep THEN personal_data END,
                           nik_digest = NULL, kk_digest = NULL, email_digest = NULL, email_use_digest = NULL,
                           ktp_pending_key = NULL, ktp_object_key = NULL, ktp_content_type = NULL,
                           ktp_content_length = NULL, ktp_checksum = NULL,
                           erased_at = CASE WHEN :keep THEN erased_at ELSE coalesce(erased_at, :now) END, updated_at = :now
                    WHERE id = ANY(CAST(:ids AS uuid[]))
                    RETURNING id),
                codes AS (
                    DELETE FROM email_code WHERE registration_id IN (SELECT id FROM erased)),
                access_codes AS (
                    DELETE FROM access_code WHERE registration_id IN (SELECT id FROM erased)
                       OR (registration_id IS NULL AND nik_digest IN (
                               SELECT nik_digest FROM registration WHERE id = ANY(CAST(:ids AS uuid[]))))),
                jobs AS (
                    UPDATE verification_job SET state = 'CANCELLED', finished_at = :now, lease_token = NULL,
                           lease_until = NULL, last_error = 'erased'
                    WHERE registration_id IN (SELECT id FROM erased) AND state IN ('PENDING', 'RUNNING'))
                SELECT count(*) FROM erased""", Long.class)
                .setParameter("ids", array(registrationIds))
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter("keep", keepSealedRecord)
                .getSingleResult());
    }

    /** Deletes the stored replies of these registrations' Idempotency-Keys (they held the token). */
    public Uni<Integer> forgetReplies(Collection<UUID> registrationIds) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("DELETE FROM idempotency_key WHERE registration_id = ANY(CAST(:ids AS uuid[]))")
                .setParameter("ids", array(registrationIds))
                .executeUpdate());
    }

    /** One array parameter whatever the batch size. */
    private static UUID[] array(Collection<UUID> ids) {
        return ids.toArray(UUID[]::new);
    }
}
