package id.gelombang.registration.domain;

import java.util.Set;

/**
 * The region prefix shared by NIK and family-card (KK) numbers: province, regency/city and
 * district codes, two digits each.
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
    static String problemWith(String digits) {
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

    static boolean isSixteenDigits(String value) {
        return value != null && value.length() == 16 && value.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
