package id.gelombang.verification.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Stops calling an outside service that keeps failing. After {@code failureThreshold} failures in
 * a row the circuit opens for {@code openFor}: calls are refused without reaching the service.
 * Then one trial call is let through; its success closes the circuit, its failure opens it again.
 * Thread-safe; the state belongs to one process (one worker instance).
 */
public final class CircuitBreaker {

    private final int failureThreshold;
    private final Duration openFor;
    private final Clock clock;

    private int consecutiveFailures;
    private Instant openUntil;
    private boolean trialInFlight;

    public CircuitBreaker(int failureThreshold, Duration openFor, Clock clock) {
        if (failureThreshold < 1 || openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("A circuit breaker needs a threshold >= 1 and a positive open time");
        }
        this.failureThreshold = failureThreshold;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** Whether a call may go out now; after the open time, only one trial at a time. */
    public synchronized boolean allowsCall() {
        if (openUntil == null) {
            return true;
        }
        if (clock.instant().isBefore(openUntil) || trialInFlight) {
            return false;
        }
        trialInFlight = true;
        return true;
    }

    public synchronized void succeeded() {
        consecutiveFailures = 0;
        openUntil = null;
        trialInFlight = false;
    }

    public synchronized void failed() {
        consecutiveFailures++;
        if (trialInFlight || consecutiveFailures >= failureThreshold) {
            openUntil = clock.instant().plus(openFor);
        }
        trialInFlight = false;
    }

    /** When the circuit lets a trial call through, while it is open. */
    public synchronized Optional<Instant> openUntil() {
        return Optional.ofNullable(openUntil);
    }

    /** Back to closed, as after a success (tests and operator resets). */
    public synchronized void reset() {
        succeeded();
    }
}
