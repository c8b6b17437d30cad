package id.gelombang.registration.service;

import java.time.LocalDate;

import id.gelombang.registration.domain.Applicant;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The personal data of a registration as it is encrypted into one column. */
@RegisterForReflection
public record PersonalRecord(String nik, String kkNumber, String fullName, LocalDate birthDate, String sex,
        String email, String phone) {

    static PersonalRecord of(Applicant a) {
        return new PersonalRecord(a.nik().digits(), a.kkNumber().digits(), a.fullName(), a.birthDate(),
                a.sex().name(), a.email(), a.phone());
    }

    /** The same person with another email address (the registrant corrected it). */
    public PersonalRecord withEmail(String address) {
        return new PersonalRecord(nik, kkNumber, fullName, birthDate, sex, address, phone);
    }

    @Override
    public String toString() {
        return "PersonalRecord[redacted]";
    }
}
