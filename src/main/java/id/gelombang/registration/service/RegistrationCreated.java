package id.gelombang.registration.service;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of 201 Created: the only time the registration token is shown. */
@RegisterForReflection
public record RegistrationCreated(String id, String status, String waveCode, String registrationToken,
        Instant createdAt) {
}
