package id.gelombang.registration.service;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What a registrant sees of their registration: personal data masked. */
@RegisterForReflection
public record RegistrationView(String id, String status, String waveCode, String nikMasked, Email email, Ktp ktp,
        NikVerification nikVerification, Instant createdAt) {

    public record Email(String address, boolean verified) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ktp(String status, String reason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NikVerification(String status, String reason) {
    }
}
