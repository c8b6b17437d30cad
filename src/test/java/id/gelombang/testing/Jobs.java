package id.gelombang.testing;

import java.time.Duration;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The verification job table as tests see it. */
public final class Jobs {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Jobs() {
    }

    /**
     * Moves every open job out of reach, so a drain in the next test handles that test's
     * registrations only (every test class registers into the same database).
     */
    public static void parkAllOpen(Database db) {
        db.execute("UPDATE verification_job SET run_after = 'infinity' WHERE state IN ('PENDING', 'RUNNING')");
    }

    /** state, attempts, last_error, revision of the registration's job of one kind (the latest one). */
    public static Row of(Database db, String registrationId, String kind) {
        return db.pool().preparedQuery("""
                SELECT state, attempts, failures, last_error, revision, run_after, awaiting_service FROM verification_job
                WHERE registration_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1""")
                .execute(Tuple.of(UUID.fromString(registrationId), kind))
                .await().atMost(TIMEOUT).iterator().next();
    }

    /** Makes the registration's waiting jobs due now (as if their backoff had passed). */
    public static void makeDue(Database db, String registrationId) {
        db.execute("UPDATE verification_job SET run_after = now() WHERE registration_id = $1 AND state = 'PENDING'",
                UUID.fromString(registrationId));
    }
}
