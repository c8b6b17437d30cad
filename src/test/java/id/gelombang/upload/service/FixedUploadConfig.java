package id.gelombang.upload.service;

import java.time.Duration;
import java.util.Optional;

import id.gelombang.common.storage.UploadConfig;

/** Upload settings for tests that build the storage or the signer without the application. */
record FixedUploadConfig(Optional<String> bucket, Duration urlTtl, String pendingPrefix, String acceptedPrefix)
        implements UploadConfig {

    /** The application's prefixes and a 5-minute URL. */
    static FixedUploadConfig forBucket(String bucket) {
        return new FixedUploadConfig(Optional.of(bucket), Duration.ofMinutes(5), "pending/", "ktp/");
    }
}
