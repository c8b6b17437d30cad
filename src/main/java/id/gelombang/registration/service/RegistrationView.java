package id.gelombang.registration.service;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What a registrant sees of their registration: personal data masked. */
@RegisterForReflection
public record RegistrationView(String id, String status, String waveCode,
        @Schema(nullable = true, description = "null once retention erased the personal data") String nikMasked, Email email, Ktp ktp,
        NikVerification nikVerification, Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "After the draw of a DRAW wave: SELECTED or NOT_SELECTED and the hex rank, which anyone can recompute from the published seed and this id")
        Selection selection) {

    /** The draw's verdict and the rank it came from; present once the wave's draw is made. */
    public record Selection(String status, String rank) {
    }

    public record Email(@Schema(nullable = true, description = "masked; null once retention erased it") String address, boolean verified,
            @Schema(description = "false once the address bounced or complained (reported by the mail service): correct it with PUT /v1/registrations/{id}/email")
            boolean deliverable) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ktp(String status, String reason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NikVerification(String status, String reason) {
    }
}
