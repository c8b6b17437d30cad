package id.gelombang.registration.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import id.gelombang.common.problem.FieldErrors;

/**
 * The patterns the OpenAPI document declares for NIK and family-card numbers accept exactly what
 * {@link Nik#parse} and {@link KkNumber#parse} accept: every value of each segment is tried with the
 * others valid (all 100 provinces, regencies and districts, every DDMM in six years around a
 * century and a leap year, 29 February in all 100 years, all 10,000 serials).
 */
class RegionCodeTest {

    @Test
    void theNikPatternAcceptsExactlyWhatTheNikRulesAccept() {
        assertAgree(Pattern.compile(Nik.PATTERN), value -> Nik.parse(value, "nik", new FieldErrors()) != null);
    }

    @Test
    void theFamilyCardPatternAcceptsExactlyWhatItsRulesAccept() {
        assertAgree(Pattern.compile(KkNumber.PATTERN), value -> KkNumber.parse(value, "kkNumber", new FieldErrors()) != null);
    }

    @Test
    void twoDigitRangesCoverExactlyTheirNumbers() {
        for (int[] range : new int[][] { { 1, 99 }, { 1, 31 }, { 41, 71 }, { 1, 28 }, { 41, 68 }, { 5, 5 }, { 10, 19 }, { 0, 99 } }) {
            Pattern pattern = Pattern.compile(RegionCode.twoDigits(range[0], range[1]));
            for (int n = 0; n < 100; n++) {
                assertThat(pattern.matcher(String.format("%02d", n)).matches())
                        .as("%02d in %d..%d", n, range[0], range[1]).isEqualTo(n >= range[0] && n <= range[1]);
            }
        }
    }

    private static void assertAgree(Pattern pattern, Predicate<String> rules) {
        String valid = "3171230501900001";
        List<String> disagreements = new ArrayList<>();
        for (String candidate : candidates(valid)) {
            if (pattern.matcher(candidate).matches() != rules.test(candidate)) {
                disagreements.add(candidate);
            }
        }
        assertThat(disagreements).as("numbers the pattern and the rules judge differently").isEmpty();
    }

    private static List<String> candidates(String valid) {
        List<String> candidates = new ArrayList<>();
        for (int n = 0; n < 100; n++) {
            String two = String.format("%02d", n);
            candidates.add(two + valid.substring(2));
            candidates.add(valid.substring(0, 2) + two + valid.substring(4));
            candidates.add(valid.substring(0, 4) + two + valid.substring(6));
        }
        for (int dayMonth = 0; dayMonth < 10_000; dayMonth++) {
            for (String year : List.of("00", "01", "02", "03", "04", "99")) {
                candidates.add(valid.substring(0, 6) + String.format("%04d", dayMonth) + year + valid.substring(12));
            }
        }
        for (int year = 0; year < 100; year++) {
            for (String leapDay : List.of("2902", "6902", "3002", "7002")) {
                candidates.add(valid.substring(0, 6) + leapDay + String.format("%02d", year) + valid.substring(12));
            }
        }
        for (int serial = 0; serial < 10_000; serial++) {
            candidates.add(valid.substring(0, 12) + String.format("%04d", serial));
        }
        candidates.addAll(List.of("", "317123050190000", "31712305019000011", "317123050190000A", "3100000000000000",
                "３１７１２３０５０１９０００01", valid + "\n", " " + valid));
        return candidates;
    }
}
