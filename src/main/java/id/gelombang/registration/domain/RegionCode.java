package id.gelombang.registration.domain;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Set;
import java.util.stream.Collectors;

import id.gelombang.common.problem.FieldErrors;

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

    /** What women's NIKs add to the day of birth. */
    static final int WOMEN_DAY_OFFSET = 40;

    private RegionCode() {
    }

    /**
     * The same rules as {@link #hasValidShape} and {@link #isDateInSomeCentury} as one regular
     * expression, for the OpenAPI document: a province code the registry issues, regency and
     * district codes other than 00, a DDMMYY date that exists in 19YY or 20YY (29 February when YY
     * is a multiple of 4; with {@code womenDayOffset}, also the day plus that offset) and a serial
     * other than 0000. Plain groups, classes and alternations only, so that ECMA-262 (JSON Schema),
     * Python and Java read it alike. RegionCodeTest holds it to the checks, digit by digit.
     */
    static String pattern(boolean womenDayOffset) {
        String provinces = PROVINCES.stream().sorted().map(String::valueOf).collect(Collectors.joining("|"));
        String notZero = twoDigits(1, 99);
        String date = "(?:" + dates(0) + (womenDayOffset ? "|" + dates(WOMEN_DAY_OFFSET) : "") + ")";
        String serial = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)";
        return "^(?:" + provinces + ")(?:" + notZero + ")(?:" + notZero + ")" + date + serial + "$";
    }

    /** DDMMYY with the day shifted by {@code offset}: every month's days, 29 February only in years divisible by 4. */
    private static String dates(int offset) {
        return twoDigits(1 + offset, 31 + offset) + "(?:0[13578]|1[02])[0-9]{2}"
                + "|" + twoDigits(1 + offset, 30 + offset) + "(?:0[469]|11)[0-9]{2}"
                + "|" + twoDigits(1 + offset, 28 + offset) + "02[0-9]{2}"
                + "|" + (29 + offset) + "02(?:[02468][048]|[13579][26])";
    }

    /** A group matching the two-digit numbers from {@code from} to {@code to} (tens with every unit share one class). */
    static String twoDigits(int from, int to) {
        StringBuilder alternatives = new StringBuilder();
        int tens = from / 10;
        while (tens <= to / 10) {
            int low = Math.max(from, tens * 10) % 10;
            int high = Math.min(to, tens * 10 + 9) % 10;
            int lastTens = tens;
            if (low == 0 && high == 9) {
                while (lastTens + 1 <= to / 10 && Math.min(to, (lastTens + 1) * 10 + 9) % 10 == 9) {
                    lastTens++;
                }
            }
            alternatives.append(alternatives.isEmpty() ? "" : "|")
                    .append(range(tens, lastTens)).append(range(low, high));
            tens = lastTens + 1;
        }
        return "(?:" + alternatives + ")";
    }

    private static String range(int low, int high) {
        return low == high ? String.valueOf(low) : "[" + low + "-" + high + "]";
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
