package id.gelombang.verification.dukcapil;

/**
 * The registry is down or refuses us as a whole (timeout, dropped connection, 5xx, 429, a refused
 * credential, an answer it should never give): an outage, which counts towards the circuit breaker.
 */
public class DukcapilUnavailable extends RuntimeException {

    public DukcapilUnavailable(String code) {
        super(code, null, false, false);
    }

    /** A short reason code, never request data. */
    public String code() {
        return getMessage();
    }
}
