package id.gelombang.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import id.gelombang.common.crypto.Digests;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Searches everything the system stores for someone's personal values: the raw text of every row
 * of every table (and every bytea column decoded as text), and the bytes of every object in the
 * bucket. For erasure tests: what they find is what erasure missed.
 */
public final class Traces {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Traces() {
    }

    /** "table: value" for every row of every table whose text shows one of the values. */
    public static List<String> inDatabase(Database db, Collection<String> values) {
        List<String> found = new ArrayList<>();
        for (Row table : db.pool().query("""
                SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'""")
                .execute().await().atMost(TIMEOUT)) {
            String name = table.getString(0);
            List<String> texts = new ArrayList<>();
            db.pool().query("SELECT t::text FROM \"" + name + "\" t").execute().await().atMost(TIMEOUT)
                    .forEach(row -> texts.add(row.getString(0)));
            for (Row column : db.pool().preparedQuery("""
                    SELECT column_name FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name = $1 AND data_type = 'bytea'""")
                    .execute(Tuple.of(name)).await().atMost(TIMEOUT)) {
                String col = column.getString(0);
                db.pool().query("SELECT encode(\"" + col + "\", 'escape') FROM \"" + name + "\" WHERE \"" + col + "\" IS NOT NULL")
                        .execute().await().atMost(TIMEOUT).forEach(row -> texts.add(row.getString(0)));
            }
            for (String text : texts) {
                for (String value : values) {
                    if (text != null && text.contains(value)) {
                        found.add(name + ": " + value);
                    }
                }
            }
        }
        return found;
    }

    /** Keys of every object in the bucket whose bytes have one of these SHA-256 digests (hex). */
    public static List<String> inBucket(S3Client s3, String bucket, Set<String> sha256Hex) {
        List<String> found = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
            byte[] bytes = s3.getObjectAsBytes(r -> r.bucket(bucket).key(object.key())).asByteArray();
            if (sha256Hex.contains(sha256Hex(bytes))) {
                found.add(object.key());
            }
        }
        return found;
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(Digests.sha256(bytes));
    }
}
