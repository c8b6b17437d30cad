package id.gelombang.registration.service;

/**
 * A complete answer to POST /v1/registrations as it is stored for its Idempotency-Key and
 * replayed byte for byte.
 */
public record StoredReply(int status, String location, String body, boolean replayed) {

    public boolean isProblem() {
        return status >= 400;
    }
}
