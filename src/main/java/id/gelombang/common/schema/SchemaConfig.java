package id.gelombang.common.schema;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "gelombang.schema")
public interface SchemaConfig {

    /**
     * Apply pending migrations when the application starts. On in dev and test; in AWS only the
     * schema-migration function turns it on, so request-serving cold starts never touch DDL.
     */
    @WithDefault("false")
    boolean migrateAtStart();
}
