package id.gelombang.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import id.gelombang.common.crypto.Digests;
import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.registration.domain.EmailAddress;
import id.gelombang.registration.service.EmailUses;
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

    /** Keys of every object in the bucket. */
    public static List<String> keysInBucket(S3Client s3, String bucket) {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList();
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

    /**
     * Every keyed digest the code computes from this applicant's values (registration body as the
     * tests send it), as hex (a bytea in a row's text) and as base64: NIK, family card, the address
     * as the email worker and as the per-address limit digest it, and the access code's NIK with
     * birth date.
     */
    public static List<String> digestsOf(PersonalDataProtection protection, Map<String, Object> applicant) {
        String nik = (String) applicant.get("nik");
        String email = (String) applicant.get("email");
        List<byte[]> digests = List.of(
                protection.lookupDigest("nik", nik),
                protection.lookupDigest("kk", (String) applicant.get("kkNumber")),
                protection.lookupDigest("email", email.strip().toLowerCase(Locale.ROOT)),
                protection.lookupDigest(EmailUses.PURPOSE, EmailAddress.canonical(email)),
                protection.lookupDigest("access-birth-date", nik + ":" + applicant.get("birthDate")));
        List<String> forms = new ArrayList<>();
        for (byte[] digest : digests) {
            forms.add(HexFormat.of().formatHex(digest));
            forms.add(Base64.getEncoder().encodeToString(digest));
        }
        return forms;
    }

    /** The applicant's plain values, the phone also as stored (E.164), and every keyed digest of them. */
    public static List<String> personalValuesOf(PersonalDataProtection protection, Map<String, Object> applicant) {
        List<String> values = new ArrayList<>();
        for (String field : List.of("nik", "kkNumber", "fullName", "email", "phone")) {
            values.add((String) applicant.get(field));
        }
        values.add("+62" + ((String) applicant.get("phone")).substring(1));
        values.addAll(digestsOf(protection, applicant));
        return values;
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(Digests.sha256(bytes));
    }
}
