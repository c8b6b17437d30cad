package id.gelombang.wave.draw;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import id.gelombang.common.storage.UploadConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Cursor;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.PreparedStatement;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A drawn wave's list of ranks (every registration still eligible: id, rank, verdict, sorted by rank)
 * as a CSV file in the bucket, under {@code draws/<code>/ranks-<version>.csv}. A national wave's list
 * is far larger than a Lambda response may carry, and no reader should make the database sort the
 * whole wave. The file is written after the draw and again, by a schedule,
 * while releases after the draw have left it behind the database (wave.ranks_generation, V20). Each
 * version gets a key of its own, so a reader never sees a file half replaced and two writers never
 * overwrite each other; the wave records the newest version written. Blocking: never on an event loop.
 */
@ApplicationScoped
public class RanksFile {

    private static final Logger LOG = Logger.getLogger(RanksFile.class);
    /** S3's smallest part but the last is 5 MiB; larger parts mean fewer calls. */
    static final int PART_BYTES = 8 * 1024 * 1024;
    static final Duration LINK_TTL = Duration.ofMinutes(10);
    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final int ROWS_PER_READ = 10_000;

    private final Pool pool;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final UploadConfig bucket;

    public RanksFile(Pool pool, S3Client s3, S3Presigner presigner, UploadConfig bucket) {
        this.pool = pool;
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    static String key(String code, int version) {
        return "draws/" + code + "/ranks-" + version + ".csv";
    }

    /** A link to the published file that anyone may follow for {@link #LINK_TTL}; empty while none is published. */
    public Optional<URI> link(String code, int publishedVersion) {
        if (publishedVersion == 0) {
            return Optional.empty();
        }
        return Optional.of(URI.create(presigner.presignGetObject(r -> r.signatureDuration(LINK_TTL)
                .getObjectRequest(g -> g.bucket(bucket.requiredBucket()).key(key(code, publishedVersion))
                        .responseContentType("text/csv")))
                .url().toString()));
    }

    /**
     * After a draw call: writes the draw's file now, off the event loop, so the list is there when the
     * result is read. A failure leaves the draw as it is (committed) and the file to the schedule.
     */
    public Uni<Void> publishAfterDraw(String code) {
        return Uni.createFrom().item(() -> publishIfBehind(code))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(e -> LOG.warnf("Ranks of wave %s not published after its draw (%s); the ranks schedule will",
                        code, e.getClass().getName()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Writes the files of every drawn wave whose file is behind; returns the codes written. */
    public List<String> publishAllBehind() {
        List<String> written = new ArrayList<>();
        RowSet<Row> behind = pool.query("SELECT code FROM wave WHERE ranks_published < ranks_generation ORDER BY id")
                .execute().await().atMost(WAIT);
        for (Row row : behind) {
            String code = row.getString("code");
            if (publishIfBehind(code)) {
                written.add(code);
            }
        }
        return written;
    }

    /**
     * Writes the wave's file when the published one is behind the database. The rows and the version
     * come from one snapshot (REPEATABLE READ), so the file is exactly that version of the list.
     */
    public boolean publishIfBehind(String code) {
        // One connection throughout: the function's pool may hold only one.
        SqlConnection conn = pool.getConnection().await().atMost(WAIT);
        try {
            Transaction tx = conn.begin().await().atMost(WAIT);
            int version;
            try {
                conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute().await().atMost(WAIT);
                // Sorting a national wave's list takes longer than the pool's per-statement limit.
                conn.query("SELECT set_config('statement_timeout', '" + WAIT.toMillis() + "', true)").execute().await().atMost(WAIT);
                RowSet<Row> waves = conn.preparedQuery(
                        "SELECT id, ranks_generation, ranks_published FROM wave WHERE code = $1 AND drawn_at IS NOT NULL")
                        .execute(Tuple.of(code)).await().atMost(WAIT);
                Row wave = waves.size() == 0 ? null : waves.iterator().next();
                if (wave == null || wave.getInteger("ranks_published") >= wave.getInteger("ranks_generation")) {
                    tx.rollback().await().atMost(WAIT);
                    return false;
                }
                version = wave.getInteger("ranks_generation");
                write(conn, wave.getLong("id"), key(code, version));
                tx.commit().await().atMost(WAIT);
            } catch (RuntimeException e) {
                tx.rollback().onFailure().recoverWithNull().await().atMost(WAIT);
                throw e;
            }
            markPublished(conn, code, version);
            return true;
        } finally {
            conn.close().await().atMost(WAIT);
        }
    }

    private void write(SqlConnection conn, long waveId, String key) {
        PreparedStatement list = conn.prepare("""
                SELECT CAST(id AS text) || ',' || selection_rank || ',' || selection_status FROM registration
                WHERE wave_id = $1 AND selection_rank IS NOT NULL
                  AND released_at IS NULL AND status NOT IN ('REJECTED', 'WITHDRAWN', 'VOIDED')
                ORDER BY selection_rank, id""").await().atMost(WAIT);
        Cursor cursor = list.cursor(Tuple.of(waveId));
        try (Upload upload = new Upload(key)) {
            upload.append("id,rank,verdict\n");
            do {
                for (Row line : cursor.read(ROWS_PER_READ).await().atMost(WAIT)) {
                    upload.append(line.getString(0)).append("\n");
                }
            } while (cursor.hasMore());
            upload.complete();
        } finally {
            cursor.close().await().atMost(WAIT);
        }
    }

    /**
     * Records the version as published (never moving back) and deletes the file it replaces; a version
     * that another run has already passed deletes its own file instead. A link to a deleted version
     * stops working: the route hands out the current one.
     */
    private void markPublished(SqlConnection conn, String code, int version) {
        RowSet<Row> replaced = conn.preparedQuery("""
                UPDATE wave w SET ranks_published = $2
                FROM (SELECT id, ranks_published FROM wave WHERE code = $1 FOR NO KEY UPDATE) old
                WHERE w.id = old.id AND old.ranks_published < $2
                RETURNING old.ranks_published""")
                .execute(Tuple.of(code, version)).await().atMost(WAIT);
        int obsolete = replaced.size() == 0 ? version : replaced.iterator().next().getInteger(0);
        if (obsolete > 0) {
            s3.deleteObject(r -> r.bucket(bucket.requiredBucket()).key(key(code, obsolete)));
        }
        if (obsolete != version) {
            LOG.infof("Ranks of wave %s published (version %d)", code, version);
        }
    }

    /**
     * One object written in parts of {@link #PART_BYTES} (a multipart upload), or in one PUT when it is
     * smaller; a multipart upload that does not complete is aborted, so no parts are left to pay for.
     */
    private final class Upload implements AutoCloseable {

        private final String key;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(PART_BYTES + 4096);
        private final List<CompletedPart> parts = new ArrayList<>();
        private String uploadId;
        private boolean completed;

        Upload(String key) {
            this.key = key;
        }

        Upload append(String text) {
            buffer.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            if (buffer.size() >= PART_BYTES) {
                sendPart();
            }
            return this;
        }

        private void sendPart() {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(r -> r.bucket(bucket.requiredBucket()).key(key)
                        .contentType("text/csv")).uploadId();
            }
            int number = parts.size() + 1;
            String etag = s3.uploadPart(r -> r.bucket(bucket.requiredBucket()).key(key).uploadId(uploadId).partNumber(number),
                    RequestBody.fromBytes(buffer.toByteArray())).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            buffer.reset();
        }

        void complete() {
            if (uploadId == null) {
                s3.putObject(r -> r.bucket(bucket.requiredBucket()).key(key).contentType("text/csv"),
                        RequestBody.fromBytes(buffer.toByteArray()));
            } else {
                if (buffer.size() > 0) {
                    sendPart();
                }
                s3.completeMultipartUpload(r -> r.bucket(bucket.requiredBucket()).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
            }
            completed = true;
        }

        @Override
        public void close() {
            if (uploadId != null && !completed) {
                s3.abortMultipartUpload(r -> r.bucket(bucket.requiredBucket()).key(key).uploadId(uploadId));
            }
        }
    }
}
