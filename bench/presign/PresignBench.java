import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.IntSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import id.gelombang.upload.domain.KtpPhoto;
import id.gelombang.upload.service.UploadUrlSigner;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Microseconds per presigned KTP upload URL: the application's UploadUrlSigner (what POST
 * .../ktp/upload-url runs: the SDK's SigV4 signer), S3Presigner for the same PUT, and a bare SigV4
 * chain (SHA-256 of a canonical request, then five HMAC-SHA256), in the same JVM.
 * Run with the function's own classes and libraries: java -cp 'function:function/lib/*' PresignBench.java
 * Prints one JSON object. Each figure: median of 7 one-second trials after 3 s of warm-up.
 */
public class PresignBench {

    private static final String SECRET = "bench-secret-key-not-a-real-credential";
    private static final String CHECKSUM = "FZyB5ehcw9DdhzxyrBAWPTZE/V1c/UWfTgHVBMLjj9E=";

    public static void main(String[] args) throws Exception {
        S3Presigner presigner = S3Presigner.builder()
                .region(Region.of("ap-southeast-3"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIABENCH", SECRET)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .endpointOverride(URI.create("https://s3.ap-southeast-3.amazonaws.com"))
                .build();
        int[] counter = { 0 };
        IntSupplier presign = () -> {
            PutObjectRequest put = PutObjectRequest.builder().bucket("gelombang-ktp")
                    .key("pending/" + (counter[0]++)).contentType("image/jpeg").contentLength(150_000L)
                    .checksumSHA256(CHECKSUM).build();
            return presigner.presignPutObject(r -> r.signatureDuration(Duration.ofMinutes(5)).putObjectRequest(put))
                    .url().toString().length();
        };
        IntSupplier sigv4 = () -> sigv4("pending/" + (counter[0]++)).length();
        UploadUrlSigner signer = new UploadUrlSigner(Region.of("ap-southeast-3"),
                Optional.of(URI.create("https://s3.ap-southeast-3.amazonaws.com")),
                S3Configuration.builder().pathStyleAccessEnabled(true).build(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIABENCH", SECRET)), "gelombang-ktp");
        KtpPhoto photo = new KtpPhoto(KtpPhoto.ImageType.JPEG, 150_000, CHECKSUM);
        IntSupplier application = () -> signer.presignPut("pending/" + (counter[0]++), photo, Duration.ofMinutes(5)).url().length();

        double presignMicros = measure(presign);
        double applicationMicros = measure(application);
        double sigv4Micros = measure(sigv4);
        System.out.printf("{\"presignPutMicros\": %.2f, \"uploadUrlSignerMicros\": %.2f, \"bareSigV4Micros\": %.2f, "
                + "\"ratio\": %.2f, \"sink\": %d}%n",
                presignMicros, applicationMicros, sigv4Micros, presignMicros / sigv4Micros, counter[0]);
    }

    /** SigV4 for a PUT signing content-length, content-type, host and x-amz-checksum-sha256. */
    static String sigv4(String key) {
        try {
            String date = "20261130";
            String amzDate = date + "T090000Z";
            String scope = date + "/ap-southeast-3/s3/aws4_request";
            String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIABENCH%2F" + scope.replace("/", "%2F")
                    + "&X-Amz-Date=" + amzDate + "&X-Amz-Expires=300"
                    + "&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-checksum-sha256";
            String canonical = "PUT\n/gelombang-ktp/" + key + "\n" + query + "\ncontent-length:150000\ncontent-type:image/jpeg\n"
                    + "host:s3.ap-southeast-3.amazonaws.com\nx-amz-checksum-sha256:" + CHECKSUM + "\n\n"
                    + "content-length;content-type;host;x-amz-checksum-sha256\nUNSIGNED-PAYLOAD";
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
            String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hash;
            byte[] k = hmac(("AWS4" + SECRET).getBytes(StandardCharsets.UTF_8), date);
            k = hmac(k, "ap-southeast-3");
            k = hmac(k, "s3");
            k = hmac(k, "aws4_request");
            return query + "&X-Amz-Signature=" + HexFormat.of().formatHex(hmac(k, toSign));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    static double measure(IntSupplier op) {
        long sink = 0;
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            sink += op.getAsInt();
        }
        double[] trials = new double[7];
        for (int t = 0; t < trials.length; t++) {
            long start = System.nanoTime();
            long end = start + 1_000_000_000L;
            long ops = 0;
            long now;
            while ((now = System.nanoTime()) < end) {
                sink += op.getAsInt();
                ops++;
            }
            trials[t] = (now - start) / 1000.0 / ops;
        }
        if (sink == 42) {
            System.err.println(sink);
        }
        Arrays.sort(trials);
        return trials[trials.length / 2];
    }
}
