package id.gelombang.registration.service;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A registration an operator voided: which one (its random id, no personal data), under which case, when. */
@RegisterForReflection
public record VoidResult(
        @Schema(description = "The voided registration's id") String registrationId,
        String waveCode,
        String caseReference,
        @Schema(description = "When it was voided (the first call's time on a repeat)") Instant voidedAt) {
}
