package id.gelombang;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Runs after every other test (its own failsafe execution, post-integration-test) and reads
 * everything the suite logged: the test JVMs' output, which holds the @QuarkusTest application's
 * log, and the packaged function's log. No NIK, phone number or email may appear in any line.
 */
class LogHygieneIT {

    /** 16 digits in a row: a NIK or a family-card number. */
    static final Pattern NIK = Pattern.compile("(?<!\\d)\\d{16}(?!\\d)");
    /**
     * An Indonesian mobile number (08…, 628…, +628…), written together or in groups separated by a
     * dash or space. Digits inside a hex identifier (a UUID's last group can read 0800828296ce) are
     * not a phone number: no hex letter, digit, dot or dash may touch it.
     */
    static final Pattern PHONE = Pattern.compile(
            "(?<![\\dA-Fa-f.-])(?:\\+?62|0)8\\d{2}[- ]?\\d{3,4}[- ]?\\d{3,5}(?![\\dA-Fa-f-])");
    static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@example\\.(?:com|org)");

    @Test
    void noPersonalDataInAnyLogLineOfTheSuite() throws IOException {
        List<Path> logs = new ArrayList<>();
        for (String dir : new String[] { "target/surefire-reports", "target/failsafe-reports" }) {
            if (Files.isDirectory(Path.of(dir))) {
                try (Stream<Path> files = Files.list(Path.of(dir))) {
                    files.filter(p -> p.getFileName().toString().endsWith("-output.txt")).forEach(logs::add);
                }
            }
        }
        // The packaged API function and every worker the ITs started (and killed).
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            files.filter(p -> p.getFileName().toString().matches("packaged-function.*\\.log")).forEach(logs::add);
        }
        assertThat(logs).as("log files of the suite").isNotEmpty();

        List<String> leaks = new ArrayList<>();
        long lines = 0;
        for (Path log : logs) {
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                lines++;
                if (leaks(line)) {
                    leaks.add(log.getFileName() + ": " + line);
                }
            }
        }
        assertThat(lines).as("log lines read").isPositive();
        assertThat(leaks).as("log lines holding a NIK, phone number or email").isEmpty();
    }

    @Test
    void theDetectorSeesPersonalData() {
        assertThat(leaks("registering 3171234501900001")).isTrue();
        assertThat(leaks("phone=081234567890")).isTrue();
        assertThat(leaks("phone=+6281234567890")).isTrue();
        assertThat(leaks("phone 6281234567890")).isTrue();
        assertThat(leaks("tel 0812-3456-7890")).isTrue();
        assertThat(leaks("tel 0812 3456 789.")).isTrue();
        assertThat(leaks("phone=081234567890, next")).isTrue();
        assertThat(leaks("to siti12@example.com")).isTrue();
        assertThat(leaks("started in 4.064s, request 01c79b83-62b2-4443-b825-b3d8a266aa05")).isFalse();
        // UUIDs whose groups are all digits, or start like a mobile number, are not phone numbers.
        assertThat(leaks("object pending/5f0c1d2e-3a4b-4c5d-8e6f-0800828296ce")).isFalse();
        assertThat(leaks("request 08123456-7890-4123-8123-081234567890")).isFalse();
        assertThat(leaks("id=ab081234567890cd")).isFalse();
        assertThat(leaks("took 0.081234567890 s")).isFalse();
    }

    private static boolean leaks(String line) {
        return NIK.matcher(line).find() || PHONE.matcher(line).find() || EMAIL.matcher(line).find();
    }
}
