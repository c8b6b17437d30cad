package id.gelombang.registration.service;

import java.util.UUID;

/**
 * A complete answer to POST /v1/registrations as it is stored for its Idempotency-Key and
 * replayed byte for byte; {@code registrationId} names the registration a 201 created.
 */
public record StoredReply(int status, String location, String body, boolean replayed, UUID registrationId) {

    public boolean isProblem() {
        return status >= 400;
    }
}
