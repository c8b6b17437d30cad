package id.gelombang.verification.dukcapil;

import java.time.LocalDate;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The body of one NIK check. Personal data: never log it. */
@RegisterForReflection
public record NikCheckRequest(String nik, String fullName, LocalDate birthDate, String sex) {

    @Override
    public String toString() {
        return "NikCheckRequest[redacted]";
    }
}
