package id.gelombang.upload.service;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;

import id.gelombang.common.storage.UploadConfig;
import id.gelombang.upload.domain.KtpPhoto;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.S3Utilities;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Presigned PUT URLs for KTP photos, signed with the SDK's own SigV4 signer under S3's rules: no
 * double encoding or path normalisation, UNSIGNED-PAYLOAD, a session token in the query.
 * <p>
 * S3Presigner signs the same URL (UploadUrlSignerTest compares them) but runs its whole request
 * pipeline first (auth-scheme and endpoint resolution, interceptors, marshalling) for every URL:
 * several times the time on the API function's C1-only JIT (bench/presign measures both).
 */
@ApplicationScoped
public class UploadUrlSigner {

    public record UploadUrl(String url, Map<String, String> headers) {
    }

    /** The key the bucket's URL is resolved with once; only its length matters. */
    private static final String PROBE_KEY = "k";

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final String region;
    /** Ends in "/"; an object's URL is this and its URL-encoded key. */
    private final String bucketUrl;

    /**
     * Region, endpoint, addressing (path style, dual-stack, transfer acceleration) and credentials
     * from the S3 extension's own settings (quarkus.s3.*), as its client and presigner are built
     * from them. Building that client only to read them back would make a cold instance's first
     * upload URL wait for it (its TLS context and the SDK's metadata of every AWS service), which
     * confirm pays later anyway; so the client is asked only for credential types other than
     * "default" (Lambda's role, from the environment) and "static" (local backends).
     */
    @Inject
    public UploadUrlSigner(UploadConfig uploads, Config config, Instance<S3Client> s3) {
        this(config.getOptionalValue("quarkus.s3.aws.region", String.class).map(Region::of)
                        .orElseGet(() -> DefaultAwsRegionProviderChain.builder().build().getRegion()),
                config.getOptionalValue("quarkus.s3.endpoint-override", URI.class),
                S3Configuration.builder()
                        .pathStyleAccessEnabled(config.getOptionalValue("quarkus.s3.path-style-access", Boolean.class).orElse(false))
                        .dualstackEnabled(config.getOptionalValue("quarkus.s3.dualstack", Boolean.class).orElse(false))
                        .accelerateModeEnabled(config.getOptionalValue("quarkus.s3.accelerate-mode", Boolean.class).orElse(false))
                        .build(),
                credentials(config, s3), uploads.requiredBucket());
    }

    /** For a given region, endpoint, S3 settings and credentials (the bench, tests). */
    public UploadUrlSigner(Region region, Optional<URI> endpointOverride, S3Configuration s3Settings,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials, String bucket) {
        this.credentials = credentials;
        this.region = region.id();
        S3Utilities.Builder utilities = S3Utilities.builder().region(region).s3Configuration(s3Settings);
        endpointOverride.ifPresent(utilities::endpoint);
        // The SDK's endpoint rules place the bucket (virtual-hosted in AWS, path style on a local endpoint).
        String probe = utilities.build().getUrl(r -> r.bucket(bucket).key(PROBE_KEY)).toString();
        this.bucketUrl = probe.substring(0, probe.length() - PROBE_KEY.length());
    }

    private static IdentityProvider<? extends AwsCredentialsIdentity> credentials(Config config, Instance<S3Client> s3) {
        String prefix = "quarkus.s3.aws.credentials.";
        // The extension's names for the type ("default", "static", ...), in any case or with '_'.
        String type = config.getOptionalValue(prefix + "type", String.class).orElse("default").toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (type) {
            case "default" -> DefaultCredentialsProvider.builder().build();
            case "static" -> {
                String key = config.getValue(prefix + "static-provider.access-key-id", String.class);
                String secret = config.getValue(prefix + "static-provider.secret-access-key", String.class);
                Optional<String> token = config.getOptionalValue(prefix + "static-provider.session-token", String.class);
                yield StaticCredentialsProvider.create(token.<AwsCredentials> map(t -> AwsSessionCredentials.create(key, secret, t))
                        .orElseGet(() -> AwsBasicCredentials.create(key, secret)));
            }
            default -> s3.get().serviceClientConfiguration().credentialsProvider();
        };
    }

    /**
     * A SigV4 presigned PUT that signs Content-Type, Content-Length and x-amz-checksum-sha256, so
     * S3 itself refuses any other type, size or content. No call to S3.
     */
    public UploadUrl presignPut(String key, KtpPhoto photo, Duration ttl) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", photo.type().mediaType());
        headers.put("Content-Length", Integer.toString(photo.contentLength()));
        headers.put("x-amz-checksum-sha256", photo.checksumSha256());
        String objectUrl = bucketUrl + SdkHttpUtils.urlEncodeIgnoreSlashes(key);
        SdkHttpRequest.Builder put = SdkHttpRequest.builder()
                .method(SdkHttpMethod.PUT)
                .uri(URI.create(objectUrl));
        headers.forEach(put::putHeader);
        AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
        SdkHttpRequest signed = signer.sign(r -> r.identity(identity)
                .request(put.build())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4HttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, ttl)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)).request();
        // The object's URL and the signed query, as signed; getUri() would parse it all again.
        return new UploadUrl(objectUrl + "?" + signed.encodedQueryParameters().orElseThrow(), headers);
    }
}
