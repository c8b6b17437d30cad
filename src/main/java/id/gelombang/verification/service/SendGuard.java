package id.gelombang.verification.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;

/**
 * The last look before a worker sends a registrant's personal data out (to the registry, or in a
 * mail), taken after its wait for a rate slot: whether the registration is still neither withdrawn
 * nor erased. It reads the row under a share lock, so a withdrawal or erasure that is under way (it
 * holds the row's update lock from its first statement to its commit, S3 deletes included) is
 * waited for and its outcome seen; one that commits after this look finds the call already made.
 * The lock ends with this look: no connection is held across the outside call.
 */
@ApplicationScoped
public class SendGuard {

    /**
     * True when the registration may still be sent out. {@code voidedToo}: a voided registration
     * still may (its one last notice, which its sealed record was kept for).
     */
    public boolean stillSendable(UUID registrationId, boolean voidedToo) {
        List<?> rows = Blocking.await(() -> Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("""
                        SELECT 1 FROM registration
                        WHERE id = :id AND personal_data IS NOT NULL AND erased_at IS NULL
                          AND status <> 'WITHDRAWN' AND (CAST(:voidedToo AS boolean) OR status <> 'VOIDED')
                        FOR SHARE""")
                .setParameter("id", registrationId)
                .setParameter("voidedToo", voidedToo)
                .getResultList())));
        return !rows.isEmpty();
    }
}
