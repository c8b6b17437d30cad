package id.gelombang.common.database;

import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * Bounds a request's database work; past the deadline it fails with a TimeoutException, which
 * the problem mappers answer with 503 + Retry-After. A registration whose commit lands after
 * the deadline is not lost: the client's retry with the same Idempotency-Key replays it.
 */
@ApplicationScoped
public class Deadline {

    private final DatabaseConfig config;

    public Deadline(DatabaseConfig config) {
        this.config = config;
    }

    public <T> Uni<T> bound(Uni<T> work) {
        return work.ifNoItem().after(config.requestDeadline())
                .failWith(() -> new TimeoutException("Database work exceeded the request deadline"));
    }
}
