package id.gelombang.registration.rest;

import id.gelombang.registration.domain.ApplicantRules.Submission;
import id.gelombang.registration.service.RegistrationCommand;

/** Body of POST /v1/registrations. Every field is a string so that every bad value can be reported. */
public record RegistrationRequest(String nik, String kkNumber, String fullName, String birthDate, String sex,
        String email, String phone, String waveCode) {

    RegistrationCommand toCommand() {
        return new RegistrationCommand(new Submission(nik, kkNumber, fullName, birthDate, sex, email, phone), waveCode);
    }

    @Override
    public String toString() {
        return "RegistrationRequest[redacted]";
    }
}
