package id.gelombang.registration.domain;

import java.time.DateTimeException;
import java.time.LocalDate;

/** A family-card number: the NIK's region prefix, a DDMMYY date of issue and a serial from 0001. */
public final class KkNumber {

    private final String digits;

    private KkNumber(String digits) {
        this.digits = digits;
    }

    public String digits() {
        return digits;
    }

    public static KkNumber parse(String value, String field, FieldErrors errors) {
        if (!RegionCode.isSixteenDigits(value)) {
            errors.add(field, "must be exactly 16 digits");
            return null;
        }
        String regionProblem = RegionCode.problemWith(value);
        if (regionProblem != null) {
            errors.add(field, regionProblem);
            return null;
        }
        int day = Integer.parseInt(value.substring(6, 8));
        int month = Integer.parseInt(value.substring(8, 10));
        int year = Integer.parseInt(value.substring(10, 12));
        if (!isDate(1900 + year, month, day) && !isDate(2000 + year, month, day)) {
            errors.add(field, "encodes an issue date that does not exist");
            return null;
        }
        if (value.endsWith("0000")) {
            errors.add(field, "serial number 0000 is never issued");
            return null;
        }
        return new KkNumber(value);
    }

    private static boolean isDate(int year, int month, int day) {
        try {
            LocalDate.of(year, month, day);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return Nik.mask(digits);
    }
}
