package id.gelombang.registration.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import id.gelombang.registration.domain.ApplicantRules.Submission;
import id.gelombang.registration.service.RegistrationCommand;

/**
 * Body of POST /v1/registrations. Every field is a string so that every bad value can be reported.
 * The documented shapes are the outline; the full rules are in the contract (api-v1.md).
 */
public record RegistrationRequest(
        @Schema(required = true, pattern = "^[0-9]{16}$", description = "PP KK CC DDMMYY SSSS; women's day + 40",
                examples = "3171234501900001") String nik,
        @Schema(required = true, pattern = "^[0-9]{16}$", examples = "3171230101900002") String kkNumber,
        @Schema(required = true, description = "1-100 letters, spaces and . ' - (spaces are folded)",
                examples = "Siti Rahayu") String fullName,
        @Schema(required = true, format = "date", examples = "1990-01-05") String birthDate,
        @Schema(required = true, enumeration = { "M", "F" }) String sex,
        @Schema(required = true, format = "email", examples = "siti@example.com") String email,
        @Schema(required = true, description = "Indonesian mobile number: 08…, 628… or +628…; spaces and dashes are ignored",
                examples = "081234567890") String phone,
        @Schema(description = "Default: the wave open now") String waveCode) {

    RegistrationCommand toCommand() {
        return new RegistrationCommand(new Submission(nik, kkNumber, fullName, birthDate, sex, email, phone), waveCode);
    }

    @Override
    public String toString() {
        return "RegistrationRequest[redacted]";
    }
}
