package id.gelombang.registration.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import id.gelombang.common.web.OmitRatherThanNull;
import id.gelombang.registration.domain.ApplicantRules.Submission;
import id.gelombang.registration.service.RegistrationCommand;

/**
 * Body of POST /v1/registrations. Every field is a string so that every bad value can be reported.
 * The patterns, lengths and values each field accepts are written into the document by
 * {@link RegistrationDocumentation}, from the rules that check them.
 */
public record RegistrationRequest(
        @Schema(required = true, description = "PP KK CC DDMMYY SSSS: province, regency and district, the birth date"
                + " (women's day + 40), a serial. Its date and sex must agree with birthDate and sex",
                examples = "3171234501900001") String nik,
        @Schema(required = true, description = "Family card: PP KK CC DDMMYY SSSS, the date of issue",
                examples = "3171230101900002") String kkNumber,
        @Schema(required = true, description = "Letters, spaces and . ' - (runs of spaces are folded)",
                examples = "Siti Rahayu") String fullName,
        @Schema(required = true, format = "date", description = "18 or older on the day the wave opens",
                examples = "1990-01-05") String birthDate,
        @Schema(required = true) String sex,
        @Schema(required = true, description = "An address such as name@example.com; the emailed code proves it",
                examples = "siti@example.com") String email,
        @Schema(required = true, description = "Indonesian mobile number: 08…, 628… or +628…; spaces and dashes are ignored",
                examples = "081234567890") String phone,
        @OmitRatherThanNull @Schema(description = "A wave that exists; default: the wave open now") String waveCode) {

    RegistrationCommand toCommand() {
        return new RegistrationCommand(new Submission(nik, kkNumber, fullName, birthDate, sex, email, phone), waveCode);
    }

    @Override
    public String toString() {
        return "RegistrationRequest[redacted]";
    }
}
