package id.gelombang.common.storage;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * The private bucket: KTP photos (the upload feature's {@code UploadConfig} adds its prefixes and URL
 * lifetime) and the published wave schedule.
 */
@ConfigMapping(prefix = "gelombang.upload")
public interface BucketConfig {

    /** Set only for the functions that use it. */
    Optional<String> bucket();

    /** The bucket, for code that only the functions given one run. */
    default String requiredBucket() {
        return bucket().orElseThrow(() -> new IllegalStateException("gelombang.upload.bucket is not configured for this function"));
    }
}
