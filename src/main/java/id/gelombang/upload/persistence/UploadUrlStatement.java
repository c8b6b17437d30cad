package id.gelombang.upload.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.StringJoiner;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.registration.domain.KtpStatus;
import id.gelombang.upload.domain.KtpPhoto;
import id.gelombang.wave.FunnelStage;
import id.gelombang.wave.persistence.FunnelCounters;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Records an issued upload URL in one statement, so the call costs one round trip and no
 * BEGIN/COMMIT: it locks the registration holding the bearer token, writes the declared photo
 * and the pending key only if that registration is the one addressed and not withdrawn, and
 * takes it out of the funnel stage its previous KTP status counted towards. The row lock is
 * held to the end of the statement, so the change never interleaves with a confirm, a storage
 * event, an email verification, a NIK verdict or a withdrawal of the same row. Needs a session.
 */
@ApplicationScoped
public class UploadUrlStatement {

    /** The registration holding the token: the statement changed it when it is the one addressed and not withdrawn. */
    public record Holder(UUID id, String status) {
    }

    private static final String SQL = """
            WITH holder AS (
                SELECT id, status, wave_id, ktp_status FROM registration WHERE token_digest = :tokenDigest FOR UPDATE),
            issued AS (
                UPDATE registration SET ktp_status = 'PENDING_UPLOAD', ktp_reason = NULL, ktp_pending_key = :pendingKey,
                    ktp_content_type = :contentType, ktp_content_length = :contentLength, ktp_checksum = :checksum,
                    updated_at = :now
                FROM holder
                WHERE registration.id = holder.id AND holder.id = :id AND holder.status <> 'WITHDRAWN'
                RETURNING holder.wave_id, holder.ktp_status AS previous),
            left_stage AS (
                INSERT INTO wave_funnel (wave_id, stage, shard, count)
                SELECT issued.wave_id, counted.stage, :shard, -1
                FROM issued JOIN (VALUES %s) AS counted (ktp_status, stage) ON counted.ktp_status = issued.previous
                ON CONFLICT (wave_id, stage, shard) DO UPDATE SET count = wave_funnel.count - 1)
            SELECT holder.id, holder.status FROM holder""".formatted(countedStages());

    public Uni<Holder> issue(UUID id, byte[] tokenDigest, String pendingKey, KtpPhoto photo, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(SQL, Object[].class)
                .setParameter("tokenDigest", tokenDigest)
                .setParameter("id", id)
                .setParameter("pendingKey", pendingKey)
                .setParameter("contentType", photo.type().mediaType())
                .setParameter("contentLength", photo.contentLength())
                .setParameter("checksum", photo.checksumSha256())
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter("shard", FunnelCounters.shardOf(id))
                .getResultList())
                .map(UploadUrlStatement::holder);
    }

    private static Holder holder(List<Object[]> rows) {
        if (rows.isEmpty()) {
            return null;
        }
        Object[] row = rows.get(0);
        return new Holder((UUID) row[0], (String) row[1]);
    }

    /** The KTP statuses that count towards a funnel stage, as SQL rows: FunnelStage.of stays the one rule. */
    private static String countedStages() {
        StringJoiner rows = new StringJoiner(", ");
        for (KtpStatus status : KtpStatus.values()) {
            FunnelStage stage = FunnelStage.of(status);
            if (stage != null) {
                rows.add("('" + status.name() + "', '" + stage.name() + "')");
            }
        }
        return rows.toString();
    }
}
