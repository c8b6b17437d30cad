package id.gelombang.common.local;

import java.net.URI;
import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * In dev mode ({@code gelombang.local-backends.enabled=true}, set for the dev profile) starts
 * {@link LocalBackends} and points the application at them, so {@code ./mvnw quarkus:dev} needs
 * nothing installed. In every other case it contributes nothing and never loads those libraries.
 */
public class LocalBackendsConfigSource implements ConfigSourceFactory {

    /** Below system properties and environment, above application.properties. */
    private static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue enabled = context.getValue("gelombang.local-backends.enabled");
        if (enabled == null || !"true".equals(enabled.getValue())) {
            return List.of();
        }
        ConfigValue s3 = context.getValue("gelombang.local-backends.s3-endpoint");
        URI externalS3 = s3 == null || s3.getValue() == null || s3.getValue().isBlank() ? null : URI.create(s3.getValue());
        return List.of(new PropertiesConfigSource(LocalBackends.start(externalS3), "gelombang-local-backends", ORDINAL));
    }
}
