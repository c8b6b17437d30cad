package id.gelombang.verification.dukcapil;

import java.time.Duration;

/** The registry throttled us (429): an outage for the circuit breaker; ask again after {@code retryAfter}. */
public class DukcapilThrottled extends DukcapilUnavailable {

    private final transient Duration retryAfter;

    public DukcapilThrottled(Duration retryAfter) {
        super("dukcapil-throttled");
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
