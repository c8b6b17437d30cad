package id.gelombang.common.database;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How long a request may wait on PostgreSQL before it gives up and the client is told to retry
 * (503 + Retry-After). Everything is bounded, so a saturated or unreachable database never
 * holds a request into the gateway's 30 s timeout.
 */
@ConfigMapping(prefix = "gelombang.database")
public interface DatabaseConfig {

    /** Opening a TCP connection. */
    @WithDefault("PT2S")
    Duration connectTimeout();

    /** Waiting for a pooled connection. */
    @WithDefault("PT2S")
    Duration acquireTimeout();

    /** Requests that may queue for a connection before new ones are refused at once. */
    @WithDefault("16")
    int maxWaitQueue();

    /** A whole request's work on the database. */
    @WithDefault("PT8S")
    Duration requestDeadline();
}
