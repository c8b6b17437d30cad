package id.gelombang.common.storage;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The private bucket and its layout: KTP photos (uploaded straight to it, then kept until retention
 * ends) and the published wave schedule.
 */
@ConfigMapping(prefix = "gelombang.upload")
public interface UploadConfig {

    /** Private bucket holding KTP photos and the wave schedule (set only for the functions that use it). */
    java.util.Optional<String> bucket();

    /** The bucket, for code that only the functions given one run. */
    default String requiredBucket() {
        return bucket().orElseThrow(() -> new IllegalStateException("gelombang.upload.bucket is not configured for this function"));
    }

    /** How long an upload URL stays valid; the contract allows at most 10 minutes. */
    @WithDefault("PT5M")
    Duration urlTtl();

    /** Where uploads land until confirmed; a lifecycle rule deletes what is never confirmed. */
    @WithDefault("pending/")
    String pendingPrefix();

    /** Where accepted photos are kept until retention ends. */
    @WithDefault("ktp/")
    String acceptedPrefix();
}
