package id.gelombang.registration.domain;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import id.gelombang.common.problem.FieldErrors;

/**
 * The registration rules of the programme (Perpres 36/2020 as amended): a well-formed NIK that
 * agrees with the declared birth date and sex, a family-card number, age 18 or more on the day
 * the wave opens, and reachable contact details. Every broken rule is reported, not just the first.
 */
public final class ApplicantRules {

    public static final int MINIMUM_AGE = 18;
    public static final int MAX_NAME_LENGTH = 100;
    /**
     * A name as sent: letters (with their combining marks), spaces and . ' -, at least one of them
     * not a space. Spaces at the ends and runs of spaces are folded away after the check.
     */
    public static final String NAME_PATTERN = "^[\\p{L}\\p{M} .'-]*[\\p{L}\\p{M}.'-][\\p{L}\\p{M} .'-]*$";
    /** A date of birth written YYYY-MM-DD from {@link #EARLIEST_BIRTH_DATE} on; whether it is old enough depends on the wave. */
    public static final String BIRTH_DATE_PATTERN = "^(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$";
    public static final LocalDate EARLIEST_BIRTH_DATE = LocalDate.of(1900, 1, 1);
    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    private static final Pattern BIRTH_DATE = Pattern.compile(BIRTH_DATE_PATTERN);

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
        if (value == null || value.codePointCount(0, value.length()) > MAX_NAME_LENGTH || !NAME.matcher(value).matches()) {
            errors.add("fullName", "must be 1-" + MAX_NAME_LENGTH + " characters: letters, spaces and . ' -");
            return null;
        }
        return value.strip().replaceAll(" +", " ");
    }

    private static LocalDate parseBirthDate(String value, LocalDate today, FieldErrors errors) {
        LocalDate date = null;
        try {
            date = value == null || !BIRTH_DATE.matcher(value).matches() ? null : LocalDate.parse(value);
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
