package id.gelombang.upload.service;

import java.time.Duration;

import id.gelombang.common.storage.BucketConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "gelombang.upload")
public interface UploadConfig extends BucketConfig {

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
