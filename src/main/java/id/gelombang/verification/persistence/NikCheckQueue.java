package id.gelombang.verification.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.verification.domain.NikCheckPriority;
import id.gelombang.wave.admin.VerificationQueues;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The NIK checks a wave's registrants wait for, for the operator's funnel: due open checks, split by
 * priority class, and open checks waiting for the registry to come back (due or backing off). It walks the open checks through the claim index and looks each one's wave up by
 * its registration's key, so its cost grows with the NIK queue (not with the wave's registrations).
 */
@ApplicationScoped
public class NikCheckQueue implements VerificationQueues {

    @Override
    public Uni<NikChecksDue> nikChecksDue(long waveId, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT count(*) FILTER (WHERE j.run_after <= :now AND j.priority >= :verified),
                       count(*) FILTER (WHERE j.run_after <= :now AND j.priority < :verified),
                       count(*) FILTER (WHERE j.awaiting_service)
                FROM verification_job j JOIN registration r ON r.id = j.registration_id
                WHERE j.kind = 'NIK_CHECK' AND j.state IN ('PENDING', 'RUNNING')
                  AND (j.run_after <= :now OR j.awaiting_service) AND r.wave_id = :waveId""", Object[].class)
                .setParameter("verified", NikCheckPriority.EMAIL_VERIFIED.value())
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter("waveId", waveId)
                .getSingleResult())
                .map(row -> new NikChecksDue(((Number) row[0]).longValue(), ((Number) row[1]).longValue(),
                        ((Number) row[2]).longValue()));
    }
}
