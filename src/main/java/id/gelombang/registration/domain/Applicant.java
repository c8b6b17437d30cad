package id.gelombang.registration.domain;

import java.time.LocalDate;

/** Registration data that passed every rule, normalised (phone in E.164, email domain in lower case). */
public record Applicant(
        Nik nik,
        KkNumber kkNumber,
        String fullName,
        LocalDate birthDate,
        Sex sex,
        String email,
        String phone) {

    @Override
    public String toString() {
        return "Applicant[nik=" + nik + "]";
    }
}
