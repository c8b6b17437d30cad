package id.gelombang.upload.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.StringJoiner;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.registration.domain.KtpStatus;
import id.gelombang.registration.domain.RegistrationStatus;
import id.gelombang.upload.domain.KtpPhoto;
import id.gelombang.common.funnel.FunnelStage;
import id.gelombang.common.funnel.FunnelCounters;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Records an issued upload URL in one statement, so the call costs one round trip and no
 * BEGIN/COMMIT: it locks the registration holding the bearer token, writes the declared photo
 * and the pending key only if that registration is the one addressed, not withdrawn and not erased, and
 * takes it out of the funnel stage its previous KTP status counted towards. The row lock is
 * held to the end of the statement, so the change never interleaves with a confirm, a storage
 * event, an email verification, a NIK verdict or a withdrawal of the same row. Sent through the
 * pool as a prepared statement, outside any Hibernate session: Hibernate would add only its own
 * work. Must not run inside a transaction of the caller.
 */
@ApplicationScoped
public class UploadUrlStatement {

    /**
     * The registration holding the token: the statement changed it when it is the one addressed, not
     * withdrawn or voided, and its personal data not erased.
     */
    public record Holder(UUID id, RegistrationStatus status, boolean erased) {
    }

    private static final String SQL = """
            WITH holder AS (
                SELECT id, status, wave_id, ktp_status, erased_at IS NOT NULL AS erased FROM registration
                WHERE token_digest = $1 FOR UPDATE),
            issued AS (
                UPDATE registration SET ktp_status = 'PENDING_UPLOAD', ktp_reason = NULL, ktp_pending_key = $3,
                    ktp_content_type = $4, ktp_content_length = $5, ktp_checksum = $6, updated_at = $7,
                    ktp_object_key = coalesce(registration.ktp_object_key, $9)
                FROM holder
                WHERE registration.id = holder.id AND holder.id = $2 AND holder.status NOT IN ('WITHDRAWN', 'VOIDED')
                  AND NOT holder.erased
                RETURNING holder.wave_id, holder.ktp_status AS previous),
            left_stage AS (
                INSERT INTO wave_funnel (wave_id, stage, shard, count)
                SELECT issued.wave_id, counted.stage, $8, -1
                FROM issued JOIN (VALUES %s) AS counted (ktp_status, stage) ON counted.ktp_status = issued.previous
                ON CONFLICT (wave_id, stage, shard) DO UPDATE SET count = wave_funnel.count - 1)
            SELECT holder.id, holder.status, holder.erased FROM holder""".formatted(countedStages());

    private final Pool pool;

    public UploadUrlStatement(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records {@code pendingKey} as where the next upload lands, and, the first time, {@code acceptedKey}
     * as where its accepted photo (and every later one) is kept: known before any object can exist
     * there, so erasure finds it whatever a confirm did before its commit failed.
     */
    public Uni<Holder> issue(UUID id, byte[] tokenDigest, String pendingKey, String acceptedKey, KtpPhoto photo, Instant now) {
        Tuple parameters = Tuple.tuple()
                .addValue(Buffer.buffer(tokenDigest))
                .addValue(id)
                .addValue(pendingKey)
                .addValue(photo.type().mediaType())
                .addValue(photo.contentLength())
                .addValue(photo.checksumSha256())
                .addValue(OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .addValue(FunnelCounters.shardOf(id))
                .addValue(acceptedKey);
        return pool.preparedQuery(SQL).execute(parameters).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new Holder(row.getUUID("id"), RegistrationStatus.valueOf(row.getString("status")), row.getBoolean("erased"));
        });
    }

    /** The KTP statuses that count towards a funnel stage, as SQL rows: KtpStatus.funnelStage stays the one rule. */
    private static String countedStages() {
        StringJoiner rows = new StringJoiner(", ");
        for (KtpStatus status : KtpStatus.values()) {
            FunnelStage stage = status.funnelStage();
            if (stage != null) {
                rows.add("('" + status.name() + "', '" + stage.name() + "')");
            }
        }
        return rows.toString();
    }
}
