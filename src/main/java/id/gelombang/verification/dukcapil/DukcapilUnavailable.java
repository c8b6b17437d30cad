package id.gelombang.verification.dukcapil;

/** The registry did not give an answer (timeout, dropped connection, 5xx, refused credential). Counts towards the circuit breaker. */
public class DukcapilUnavailable extends RuntimeException {

    public DukcapilUnavailable(String code) {
        super(code, null, false, false);
    }

    /** A short reason code, never request data. */
    public String code() {
        return getMessage();
    }
}
