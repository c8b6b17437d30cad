package id.gelombang.testing;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import id.gelombang.registration.domain.ApplicantRules.Submission;
import id.gelombang.registration.service.RegistrationCommand;

/**
 * Valid, distinct registration bodies for tests. NIKs are built from the rules (Jakarta region
 * 317123, birth date, +40 for women, serial), never copied from real people; emails use the
 * reserved example.com domain.
 */
public final class Applicants {

    /**
     * One counter per JVM: Quarkus loads test classes anew for each application it starts, and
     * every one of them registers into the same database.
     */
    private static final AtomicInteger SERIAL = (AtomicInteger) System.getProperties()
            .computeIfAbsent(Applicants.class.getName() + ".serial", key -> new AtomicInteger(1));

    private Applicants() {
    }

    public static String nik(LocalDate birthDate, boolean woman, int serial) {
        int day = birthDate.getDayOfMonth() + (woman ? 40 : 0);
        return "317123" + String.format("%02d%02d%02d%04d", day, birthDate.getMonthValue(), birthDate.getYear() % 100, serial);
    }

    /** A woman born in 1990 with a NIK no other call of this method returns, also under concurrency. */
    public static Map<String, Object> valid() {
        // One number per call, taken once: the birth date, serial and family card all follow from it.
        int n = SERIAL.getAndIncrement();
        return valid(LocalDate.of(1990, 1, 5).plusDays(n / 9000), true, n);
    }

    public static Map<String, Object> valid(LocalDate birthDate, boolean woman) {
        return valid(birthDate, woman, SERIAL.getAndIncrement());
    }

    private static Map<String, Object> valid(LocalDate birthDate, boolean woman, int n) {
        int serial = n % 9000 + 1;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("nik", nik(birthDate, woman, serial));
        // A family card of its own, so that household limits never interfere unless a test wants them.
        body.put("kkNumber", "3171230101" + String.format("%02d%04d", (n / 9000) % 100, serial));
        body.put("fullName", "Siti Rahayu");
        body.put("birthDate", birthDate.toString());
        body.put("sex", woman ? "F" : "M");
        // One address per registrant: the limit of registrations per address and wave never interferes unless a test wants it.
        body.put("email", "siti" + n + "@example.com");
        body.put("phone", "0812345" + String.format("%05d", serial));
        body.put("waveCode", TestWaves.OPEN);
        return body;
    }

    /** The body as the service receives it, for tests that call RegistrationService directly. */
    public static RegistrationCommand command(Map<String, Object> b) {
        return new RegistrationCommand(new Submission((String) b.get("nik"), (String) b.get("kkNumber"),
                (String) b.get("fullName"), (String) b.get("birthDate"), (String) b.get("sex"),
                (String) b.get("email"), (String) b.get("phone")), (String) b.get("waveCode"));
    }

    public static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        if (value == null) {
            copy.remove(field);
        } else {
            copy.put(field, value);
        }
        return copy;
    }
}
