package id.gelombang.registration.domain;

import java.time.LocalDate;

import id.gelombang.common.problem.FieldErrors;

/**
 * A structurally valid NIK: {@code PP KK CC DDMMYY SSSS}, where women's day of birth is
 * stored plus 40. The NIK carries only a two-digit year, so the century comes from the
 * declared birth date when the NIK is checked against it.
 */
public final class Nik {

    /** Every NIK {@link #parse} accepts, whatever the birth date and sex it is checked against (for the OpenAPI document). */
    public static final String PATTERN = RegionCode.pattern(true);

    private final String digits;

    private Nik(String digits) {
        this.digits = digits;
    }

    public String digits() {
        return digits;
    }

    /** First four and last four digits, the rest hidden: {@code 3171************0001}. */
    public String masked() {
        return mask(digits);
    }

    public static String mask(String digits) {
        return digits.substring(0, 4) + "*".repeat(8 + 4) + digits.substring(12);
    }

    public Sex sex() {
        return encodedDay() > 40 ? Sex.F : Sex.M;
    }

    /** Whether the NIK encodes this birth date (day, month and two-digit year). */
    public boolean encodes(LocalDate birthDate) {
        return dayOfBirth() == birthDate.getDayOfMonth()
                && month() == birthDate.getMonthValue()
                && twoDigitYear() == birthDate.getYear() % 100;
    }

    /** Parses and checks the structure, adding a message to {@code errors} under {@code field} when invalid. */
    public static Nik parse(String value, String field, FieldErrors errors) {
        if (!RegionCode.hasValidShape(value, field, errors)) {
            return null;
        }
        Nik nik = new Nik(value);
        int day = nik.encodedDay();
        if (!(day >= 1 && day <= 31) && !(day >= 41 && day <= 71)) {
            errors.add(field, "birth day must be 01-31, or 41-71 for women");
            return null;
        }
        if (!RegionCode.isDateInSomeCentury(nik.dayOfBirth(), nik.month(), nik.twoDigitYear())) {
            errors.add(field, "encodes a birth date that does not exist");
            return null;
        }
        return nik;
    }

    private int encodedDay() {
        return Integer.parseInt(digits.substring(6, 8));
    }

    private int dayOfBirth() {
        int day = encodedDay();
        return day > 40 ? day - 40 : day;
    }

    private int month() {
        return Integer.parseInt(digits.substring(8, 10));
    }

    private int twoDigitYear() {
        return Integer.parseInt(digits.substring(10, 12));
    }

    @Override
    public String toString() {
        return masked();
    }
}
