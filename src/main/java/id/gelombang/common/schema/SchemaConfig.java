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

    /**
     * LOGIN password to give the application's role ({@value SchemaMigrator#APP_ROLE}, created by
     * V8) after migrating. Only the schema-migration function has it (from its own secret); without
     * it the role's password is left as it is.
     */
    java.util.Optional<String> appUserPassword();

    /**
     * The JDBC URL Flyway connects to. By default the reactive client's database
     * ({@code jdbc:} and {@code quarkus.datasource.reactive.url}, with its SSL mode), as the same user.
     */
    java.util.Optional<String> jdbcUrl();
}
