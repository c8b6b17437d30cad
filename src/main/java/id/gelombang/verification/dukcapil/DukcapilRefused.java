package id.gelombang.verification.dukcapil;

/**
 * The registry answered, and refused this one request for what it holds (400, 409, 410, 413, 422):
 * not an outage, so it does not count towards the circuit breaker that every check shares.
 */
public class DukcapilRefused extends RuntimeException {

    public DukcapilRefused(String code) {
        super(code, null, false, false);
    }

    /** A short reason code, never request data. */
    public String code() {
        return getMessage();
    }
}
