package id.gelombang.upload.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import id.gelombang.testing.SameSecond;
import id.gelombang.upload.domain.KtpPhoto;
import id.gelombang.upload.domain.KtpPhoto.ImageType;
import io.smallrye.config.SmallRyeConfigBuilder;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * The upload URL is exactly the one S3Presigner signs for the same PUT: the same host and path,
 * the same signed headers and, within the same second, the same signature. Session credentials,
 * as Lambda's role gives them, so the token must be in the query and signed.
 */
class UploadUrlSignerTest {

    private static final Region REGION = Region.AP_SOUTHEAST_3;
    private static final AwsSessionCredentials CREDENTIALS = AwsSessionCredentials.create(
            "ASIATESTACCESSKEY", "test-secret-key-not-a-real-credential", "test-session-token/with+slash=");
    private static final KtpPhoto PHOTO = new KtpPhoto(ImageType.JPEG, 150_000, "FZyB5ehcw9DdhzxyrBAWPTZE/V1c/UWfTgHVBMLjj9E=");
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final String KEY = "pending/0b0f3c9e-1d2a-4c55-9a57-6f1d0e4e2a10";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "aws-virtual-hosted", "aws-path-style", "endpoint-override-virtual-hosted",
            "endpoint-override-path-style" })
    void signsTheUrlS3PresignerSigns(String endpoint) {
        boolean pathStyle = endpoint.endsWith("path-style");
        Optional<URI> override = endpoint.startsWith("endpoint-override") ? Optional.of(URI.create("http://localhost:9000"))
                : Optional.empty();
        S3Presigner.Builder presignerBuilder = S3Presigner.builder().region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(CREDENTIALS))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        override.ifPresent(presignerBuilder::endpointOverride);

        try (S3Presigner presigner = presignerBuilder.build()) {
            UploadUrlSigner signer = new UploadUrlSigner(REGION, override,
                    S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build(), StaticCredentialsProvider.create(CREDENTIALS),
                    "gelombang-ktp-test");
            SameSecond.Urls urls = SameSecond.sign(() -> signer.presignPut(KEY, PHOTO, TTL).url(), () -> theirs(presigner).url().toString());
            URI url = URI.create(urls.ours());
            URI expected = URI.create(urls.theirs());
            assertThat(url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath())
                    .isEqualTo(expected.getScheme() + "://" + expected.getRawAuthority() + expected.getRawPath())
                    .isEqualTo(Map.of(
                            "aws-virtual-hosted", "https://gelombang-ktp-test.s3.ap-southeast-3.amazonaws.com/",
                            "aws-path-style", "https://s3.ap-southeast-3.amazonaws.com/gelombang-ktp-test/",
                            "endpoint-override-virtual-hosted", "http://gelombang-ktp-test.localhost:9000/",
                            "endpoint-override-path-style", "http://localhost:9000/gelombang-ktp-test/").get(endpoint) + KEY);
            assertThat(query(url)).isEqualTo(query(expected))
                    .containsEntry("X-Amz-Security-Token", "test-session-token%2Fwith%2Bslash%3D")
                    .containsEntry("X-Amz-SignedHeaders", "content-length%3Bcontent-type%3Bhost%3Bx-amz-checksum-sha256")
                    .containsEntry("X-Amz-Expires", "300");
            assertThat(theirs(presigner).signedHeaders().keySet()).containsExactlyInAnyOrder("host", "content-type", "content-length",
                    "x-amz-checksum-sha256");
        }
    }

    /**
     * As in AWS, where the template sets no quarkus.s3.* setting: region and credentials from the
     * SDK's default chains, which in Lambda read the role's session credentials and the region from
     * the environment (here from the system properties the same chains read first).
     */
    @Test
    void signsWithTheDefaultChainsWhenTheS3SettingsNameNone() {
        Map<String, String> properties = Map.of("aws.accessKeyId", CREDENTIALS.accessKeyId(),
                "aws.secretAccessKey", CREDENTIALS.secretAccessKey(), "aws.sessionToken", CREDENTIALS.sessionToken(),
                "aws.region", REGION.id());
        properties.forEach(System::setProperty);
        // A provider of its own, not the SDK's shared one, which would keep these properties' provider.
        try (S3Presigner presigner = S3Presigner.builder().credentialsProvider(DefaultCredentialsProvider.builder().build()).build()) {
            UploadUrlSigner signer = new UploadUrlSigner(FixedUploadConfig.forBucket("gelombang-ktp-test"), new SmallRyeConfigBuilder().build(), null);
            SameSecond.Urls urls = SameSecond.sign(() -> signer.presignPut(KEY, PHOTO, TTL).url(), () -> theirs(presigner).url().toString());
            assertThat(urls.ours()).isEqualTo(urls.theirs())
                    .startsWith("https://gelombang-ktp-test.s3.ap-southeast-3.amazonaws.com/" + KEY + "?")
                    .contains("X-Amz-Security-Token=test-session-token%2Fwith%2Bslash%3D")
                    .contains("X-Amz-Credential=ASIATESTACCESSKEY%2F");
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }

    /** S3Presigner's URL for the PUT the tests sign. */
    private static PresignedPutObjectRequest theirs(S3Presigner presigner) {
        return presigner.presignPutObject(r -> r.signatureDuration(TTL).putObjectRequest(p -> p
                .bucket("gelombang-ktp-test").key(KEY).contentType("image/jpeg").contentLength(150_000L)
                .checksumSHA256(PHOTO.checksumSha256())));
    }

    private static Map<String, String> query(URI url) {
        return Arrays.stream(url.getRawQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p[1], (a, b) -> a, TreeMap::new));
    }
}
