package id.gelombang.verification.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.registration.domain.EmailUndeliverable;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Which addresses can receive mail. SES reports a bounce or complaint with the address alone, so
 * each registration keeps a keyed digest of the address last mailed ({@code email_digest}, V12):
 * the address itself is never stored again, and the digest cannot be reversed without the lookup
 * key. Every method needs a transaction.
 */
@ApplicationScoped
public class EmailDeliverability {

    /** A registration that has just been marked undeliverable. */
    public record Marked(UUID registrationId, long waveId) {
    }

    private final PersonalDataProtection protection;

    public EmailDeliverability(PersonalDataProtection protection) {
        this.protection = protection;
    }

    /** The lookup digest of an address. Mail systems treat addresses case-insensitively in practice. */
    public byte[] digest(String address) {
        return protection.lookupDigest("email", address.strip().toLowerCase(Locale.ROOT));
    }

    /** Records the address about to be mailed for this registration (nothing is written when it is already the one). */
    public Uni<Void> remember(UUID registrationId, byte[] digest) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE registration SET email_digest = :digest
                WHERE id = :id AND email_digest IS DISTINCT FROM :digest AND personal_data IS NOT NULL""")
                .setParameter("digest", digest)
                .setParameter("id", registrationId)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Marks every registration whose last mailed address is this one as undeliverable, once (a
     * registration already marked keeps its first reason); returns those marked now.
     */
    public Uni<List<Marked>> markUndeliverable(String address, EmailUndeliverable reason, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE registration SET email_undeliverable = :reason, email_undeliverable_at = :now, updated_at = :now
                WHERE email_digest = :digest AND email_undeliverable IS NULL AND status <> 'WITHDRAWN'
                RETURNING id, wave_id""", Object[].class)
                .setParameter("reason", reason.name())
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter("digest", digest(address))
                .getResultList())
                .map(rows -> rows.stream().map(row -> new Marked((UUID) row[0], ((Number) row[1]).longValue())).toList());
    }
}
