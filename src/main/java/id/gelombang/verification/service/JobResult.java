package id.gelombang.verification.service;

import java.time.Instant;

/** How one attempt at a job ended, as its handler reports it. */
public sealed interface JobResult<E> {

    /** The outside work is done; {@code effect} is recorded in the transaction that closes the job. */
    record Completed<E>(E effect) implements JobResult<E> {
    }

    /**
     * Not now, and not the job's fault (quota used up, throttled, circuit open): run again at
     * {@code until}. {@code awaitingService}: the wait is for the outside service to come back.
     */
    record Deferred<E>(Instant until, String reason, boolean awaitingService) implements JobResult<E> {

        public Deferred(Instant until, String reason) {
            this(until, reason, false);
        }
    }

    /** The outside service failed: counts as an attempt and backs off; the last allowed attempt ends the job. */
    record Failed<E>(String reason) implements JobResult<E> {
    }

    /**
     * The outside service is down (no answer, 5xx, throttling, circuit open): backs off like a failure,
     * capped, and waits for the service however long it takes; it never ends the job.
     */
    record Unavailable<E>(String reason) implements JobResult<E> {
    }

    /** It can never succeed (for example the address is refused): ends the job now. */
    record Refused<E>(String reason) implements JobResult<E> {
    }
}
