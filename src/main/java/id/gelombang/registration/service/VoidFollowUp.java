package id.gelombang.registration.service;

import java.time.Instant;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * What follows a void, done by the feature that mails registrants: telling the registration's
 * address, after which the sealed record kept for that message is erased. Called in the void's
 * transaction (an outbox: the message is queued exactly when the void commits).
 */
public interface VoidFollowUp {

    Uni<Void> voided(UUID registrationId, Instant now);
}
