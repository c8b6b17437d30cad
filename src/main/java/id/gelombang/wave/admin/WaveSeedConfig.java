package id.gelombang.wave.admin;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Waves defined in configuration, created or updated at start when {@code seed-at-start} is on:
 * {@code gelombang.waves.seed."2026-1".opens-at=2026-04-11T01:00:00Z} and so on. Until the
 * operator API exists this is how a deployment declares its waves.
 */
@ConfigMapping(prefix = "gelombang.waves")
public interface WaveSeedConfig {

    @WithDefault("false")
    boolean seedAtStart();

    Map<String, Definition> seed();

    interface Definition {
        Instant opensAt();

        Instant closesAt();

        int quota();

        Optional<Integer> householdLimit();
    }
}
