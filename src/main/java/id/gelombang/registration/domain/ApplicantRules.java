package id.gelombang.registration.domain;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The registration rules of the programme (Perpres 36/2020 as amended): a well-formed NIK that
 * agrees with the declared birth date and sex, a family-card number, age 18 or more on the day
 * the wave opens, and reachable contact details. Every broken rule is reported, not just the first.
 */
public final class ApplicantRules {

    public static final int MINIMUM_AGE = 18;
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{M} .'-]{1,100}");
    private static final LocalDate EARLIEST_BIRTH_DATE = LocalDate.of(1900, 1, 1);

    /** The raw fields as the registrant sent them. */
    public record Submission(String nik, String kkNumber, String fullName, String birthDate,
            String sex, String email, String phone) {

        @Override
        public String toString() {
            return "Submission[redacted]";
        }
    }

    private ApplicantRules() {
    }

    /**
     * Checks a submission for a wave opening on {@code waveOpensOn}; returns the applicant, or null
     * with every problem in {@code errors}.
     */
    public static Applicant check(Submission s, LocalDate waveOpensOn, FieldErrors errors) {
        Nik nik = Nik.parse(s.nik(), "nik", errors);
        KkNumber kk = KkNumber.parse(s.kkNumber(), "kkNumber", errors);
        String fullName = checkName(s.fullName(), errors);
        LocalDate birthDate = parseBirthDate(s.birthDate(), waveOpensOn, errors);
        Sex sex = Sex.parse(s.sex());
        if (sex == null) {
            errors.add("sex", "must be M or F");
        }
        String email = EmailAddress.normalise(s.email(), "email", errors);
        String phone = PhoneNumber.toE164(s.phone(), "phone", errors);

        if (nik != null && birthDate != null && !nik.encodes(birthDate)) {
            errors.add("nik", "does not match birthDate");
        }
        if (nik != null && sex != null && nik.sex() != sex) {
            errors.add("nik", "does not match sex (women's NIKs add 40 to the day of birth)");
        }
        if (birthDate != null && waveOpensOn != null
                && birthDate.plusYears(MINIMUM_AGE).isAfter(waveOpensOn)) {
            errors.add("birthDate", "registrant must be at least " + MINIMUM_AGE + " years old on " + waveOpensOn);
        }
        return errors.isEmpty() ? new Applicant(nik, kk, fullName, birthDate, sex, email, phone) : null;
    }

    private static String checkName(String value, FieldErrors errors) {
        String trimmed = value == null ? null : value.strip().replaceAll("\\s+", " ");
        if (trimmed == null || trimmed.isEmpty() || !NAME.matcher(trimmed).matches()) {
            errors.add("fullName", "must be 1-100 characters: letters, spaces and . ' -");
            return null;
        }
        return trimmed;
    }

    private static LocalDate parseBirthDate(String value, LocalDate today, FieldErrors errors) {
        LocalDate date = null;
        try {
            date = value == null ? null : LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            // reported below
        }
        if (date == null || date.isBefore(EARLIEST_BIRTH_DATE) || (today != null && date.isAfter(today))) {
            errors.add("birthDate", "must be a real date of birth written YYYY-MM-DD");
            return null;
        }
        return date;
    }
}
