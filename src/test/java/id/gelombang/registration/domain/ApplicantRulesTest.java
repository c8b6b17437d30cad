package id.gelombang.registration.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.FieldErrors.FieldError;
import id.gelombang.registration.domain.ApplicantRules.Submission;

class ApplicantRulesTest {

    private static final LocalDate WAVE_OPENS = LocalDate.of(2026, 4, 11);

    private static Submission siti(String nik, String birthDate, String sex) {
        return new Submission(nik, "3171230101900002", "Siti Rahayu", birthDate, sex, "siti@example.com", "081234567890");
    }

    @Test
    void acceptsAValidWomanAndNormalisesContactDetails() {
        FieldErrors errors = new FieldErrors();
        Applicant a = ApplicantRules.check(
                new Submission("3171234501900001", "3171230101900002", "  Siti   Rahayu ", "1990-01-05", "F",
                        "Siti@Example.COM", "081234567890"),
                WAVE_OPENS, errors);
        assertThat(errors.list()).isEmpty();
        assertThat(a.phone()).isEqualTo("+6281234567890");
        assertThat(a.email()).isEqualTo("Siti@example.com");
        assertThat(a.fullName()).isEqualTo("Siti Rahayu");
        assertThat(a.toString()).doesNotContain("450190", "Siti", "0812");
    }

    @Test
    void refusesANikWhoseDateDiffersFromTheBirthDate() {
        FieldErrors errors = new FieldErrors();
        ApplicantRules.check(siti("3171234501900001", "1990-01-06", "F"), WAVE_OPENS, errors);
        assertThat(errors.list()).containsExactly(new FieldError("nik", "does not match birthDate"));
    }

    @Test
    void refusesAWomansNikDeclaredAsAMan() {
        FieldErrors errors = new FieldErrors();
        ApplicantRules.check(siti("3171234501900001", "1990-01-05", "M"), WAVE_OPENS, errors);
        assertThat(errors.list()).extracting(FieldError::field).containsExactly("nik");
        assertThat(errors.list().get(0).message()).startsWith("does not match sex");
    }

    @Test
    void refusesAManWhoseNikLacksTheWomansFortyDays() {
        FieldErrors errors = new FieldErrors();
        ApplicantRules.check(siti("3171230501900001", "1990-01-05", "F"), WAVE_OPENS, errors);
        assertThat(errors.list()).extracting(FieldError::field).containsExactly("nik");
    }

    @Test
    void ageIsCountedOnTheDayTheWaveOpens() {
        // 18th birthday on the opening day: eligible. One day later: not.
        FieldErrors onTime = new FieldErrors();
        ApplicantRules.check(siti("3171235104080001", "2008-04-11", "F"), WAVE_OPENS, onTime);
        assertThat(onTime.list()).isEmpty();

        FieldErrors tooYoung = new FieldErrors();
        ApplicantRules.check(siti("3171235204080001", "2008-04-12", "F"), WAVE_OPENS, tooYoung);
        assertThat(tooYoung.list()).extracting(FieldError::field).containsExactly("birthDate");
    }

    @Test
    void listsEveryInvalidField() {
        FieldErrors errors = new FieldErrors();
        ApplicantRules.check(new Submission("123", "456", "R2-D2", "1990-02-30", "X", "not-an-email", "12345"),
                WAVE_OPENS, errors);
        assertThat(errors.list()).extracting(FieldError::field)
                .containsExactly("nik", "kkNumber", "fullName", "birthDate", "sex", "email", "phone");
    }

    @Test
    void acceptsIndonesianNamesWithApostrophesDotsAndHyphens() {
        for (String name : new String[] { "Ni Luh Putu Ayu", "R.A. Kartini", "Ja'far", "Siti Nur-Aini", "Ä" }) {
            FieldErrors errors = new FieldErrors();
            ApplicantRules.check(new Submission("3171234501900001", "3171230101900002", name, "1990-01-05", "F",
                    "siti@example.com", "081234567890"), WAVE_OPENS, errors);
            assertThat(errors.list()).as(name).isEmpty();
        }
    }

    @Test
    void refusesNamesTooLongOrWithDigits() {
        for (String name : new String[] { "", " ", "A".repeat(101), "Siti 2", "Siti_Rahayu", "<script>" }) {
            FieldErrors errors = new FieldErrors();
            ApplicantRules.check(new Submission("3171234501900001", "3171230101900002", name, "1990-01-05", "F",
                    "siti@example.com", "081234567890"), WAVE_OPENS, errors);
            assertThat(errors.list()).as(name).extracting(FieldError::field).containsExactly("fullName");
        }
    }
}
