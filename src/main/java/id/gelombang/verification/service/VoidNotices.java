package id.gelombang.verification.service;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.registration.persistence.ErasureStore;
import id.gelombang.registration.service.VoidFollowUp;
import io.smallrye.mutiny.Uni;

/** PLACEHOLDER until the outcome notices are merged: erases the sealed record at once, mailing nothing. */
@ApplicationScoped
public class VoidNotices implements VoidFollowUp {

    private final ErasureStore erasure;

    public VoidNotices(ErasureStore erasure) {
        this.erasure = erasure;
    }

    @Override
    public Uni<Void> voided(UUID registrationId, Instant now) {
        return erasure.eraseSealedRecord(registrationId, now).replaceWithVoid();
    }
}
