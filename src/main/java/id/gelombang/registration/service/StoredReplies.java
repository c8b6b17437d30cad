package id.gelombang.registration.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.problem.Problem;
import id.gelombang.registration.persistence.IdempotencyRecord;
import io.smallrye.mutiny.Uni;

/**
 * The stored replies of the Idempotency-Keys that created a registration. The 201 held the token;
 * when the registration ends (withdrawn, voided) its reply becomes the problem the token now gets,
 * without the request's fingerprint (a keyed hash of personal data), so replaying the key answers
 * that problem whatever the body.
 */
@ApplicationScoped
public class StoredReplies {

    private final PersonalDataProtection protection;
    private final ObjectMapper mapper;

    public StoredReplies(PersonalDataProtection protection, ObjectMapper mapper) {
        this.protection = protection;
        this.mapper = mapper;
    }

    /** Needs a transaction. */
    public Uni<Void> replaceWith(UUID registrationId, Problem problem) {
        byte[] body = json(problem);
        return IdempotencyRecord.<IdempotencyRecord>list("registrationId", registrationId).invoke(replies -> {
            for (IdempotencyRecord reply : replies) {
                reply.responseStatus = problem.status();
                reply.responseBody = protection.encrypt(body, "idempotency:" + reply.keyDigest);
                reply.requestDigest = null;
                reply.location = null;
            }
        }).replaceWithVoid();
    }

    private byte[] json(Object value) {
        try {
            return mapper.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
