package id.gelombang.registration.domain;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Set;

/**
 * What NIK and family-card (KK) numbers share: 16 digits, a region prefix (province,
 * regency/city and district codes, two digits each), a DDMMYY date and a serial from 0001.
 */
final class RegionCode {

    private static final Set<Integer> PROVINCES = Set.of(
            11, 12, 13, 14, 15, 16, 17, 18, 19, 21,
            31, 32, 33, 34, 35, 36,
            51, 52, 53,
            61, 62, 63, 64, 65,
            71, 72, 73, 74, 75, 76,
            81, 82,
            91, 92, 93, 94, 95, 96);

    private RegionCode() {
    }

    /** Returns the reason the first six digits are not a region code, or null when they are. */
    private static String problemWith(String digits) {
        int province = Integer.parseInt(digits.substring(0, 2));
        if (!PROVINCES.contains(province)) {
            return "unknown province code";
        }
        if (digits.startsWith("00", 2)) {
            return "regency code 00 does not exist";
        }
        if (digits.startsWith("00", 4)) {
            return "district code 00 does not exist";
        }
        return null;
    }

    /** Checks length, digits, region prefix and serial; adds the first problem to {@code errors}. */
    static boolean hasValidShape(String value, String field, FieldErrors errors) {
        if (value == null || value.length() != 16 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            errors.add(field, "must be exactly 16 digits");
            return false;
        }
        String regionProblem = problemWith(value);
        if (regionProblem != null) {
            errors.add(field, regionProblem);
            return false;
        }
        if (value.endsWith("0000")) {
            errors.add(field, "serial number 0000 is never issued");
            return false;
        }
        return true;
    }

    /** Whether DD-MM-YY is a real date in 19YY or 20YY (the numbers carry no century). */
    static boolean isDateInSomeCentury(int day, int month, int twoDigitYear) {
        return isDate(1900 + twoDigitYear, month, day) || isDate(2000 + twoDigitYear, month, day);
    }

    private static boolean isDate(int year, int month, int day) {
        try {
            LocalDate.of(year, month, day);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }
}
