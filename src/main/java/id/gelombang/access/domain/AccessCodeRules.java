package id.gelombang.access.domain;

import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import id.gelombang.common.problem.FieldErrors;
import id.gelombang.registration.domain.Nik;

/**
 * The rules of access codes, the way back to a registration: a code is asked for with the NIK and
 * birth date, mailed to the registration's address, lives ten minutes from the moment it is
 * mailed, works once, and dies after five wrong tries; a NIK gets at most three codes an hour and
 * one a minute (beyond that the request is answered the same and nothing is sent).
 */
public final class AccessCodeRules {

    public static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    public static final int MAX_WRONG_CODES = 5;
    public static final int CODES_PER_WINDOW = 3;
    public static final Duration WINDOW = Duration.ofHours(1);
    public static final Duration INTERVAL = Duration.ofSeconds(60);
    /**
     * When retention forgets a NIK's access-code row after its last request: the limits need an hour,
     * and a code queued behind a long email backlog still goes out and works once it is mailed.
     */
    public static final Duration FORGOTTEN_AFTER = Duration.ofDays(1);
    public static final int MAX_TICKET_LENGTH = 64;
    /**
     * Support tickets name the case, never the person: letters, digits and . _ : / # -, starting with
     * a letter or digit, and no run of 8 or more digits (a NIK, a phone). Written as runs of at most
     * seven digits after each other character, so that JSON Schema, Python and Java read it alike
     * (no lookahead); the OpenAPI document declares it with {@link #MAX_TICKET_LENGTH}.
     */
    public static final String TICKET_PATTERN = "^(?:[0-9]{1,7}|[A-Za-z][0-9]{0,7})(?:[A-Za-z._:/#-][0-9]{0,7})*$";
    /** An access code as mailed. */
    public static final String CODE_PATTERN = "^[0-9]{6}$";
    private static final Pattern TICKET = Pattern.compile(TICKET_PATTERN);
    private static final Pattern CODE = Pattern.compile(CODE_PATTERN);
    private static final LocalDate EARLIEST_BIRTH_DATE = LocalDate.of(1900, 1, 1);

    private AccessCodeRules() {
    }

    /** Who asks: a well-formed NIK and the birth date it encodes. */
    public record Identity(Nik nik, LocalDate birthDate) {

        @Override
        public String toString() {
            return "Identity[redacted]";
        }
    }

    /**
     * The NIK and birth date as registration checks them (structure, a date of birth no later than
     * {@code today}, and the NIK encoding it); null with every problem in {@code errors}.
     */
    public static Identity identity(String nik, String birthDate, LocalDate today, FieldErrors errors) {
        Nik parsed = Nik.parse(nik, "nik", errors);
        LocalDate date = null;
        try {
            date = birthDate == null ? null : LocalDate.parse(birthDate);
        } catch (DateTimeParseException e) {
            // reported below
        }
        if (date == null || date.isBefore(EARLIEST_BIRTH_DATE) || date.isAfter(today)) {
            errors.add("birthDate", "must be a real date of birth written YYYY-MM-DD");
            date = null;
        }
        if (parsed != null && date != null && !parsed.encodes(date)) {
            errors.add("nik", "does not match birthDate");
        }
        return errors.isEmpty() ? new Identity(parsed, date) : null;
    }

    public static void checkCode(String code, FieldErrors errors) {
        if (code == null || !CODE.matcher(code).matches()) {
            errors.add("code", "must be the 6 digits from the email");
        }
    }

    public static void checkTicket(String ticket, FieldErrors errors) {
        if (ticket == null || ticket.length() > MAX_TICKET_LENGTH || !TICKET.matcher(ticket).matches()) {
            errors.add("ticket", "must be the support ticket's reference: 1-64 letters, digits and . _ : / # -, "
                    + "without personal data (no run of 8 or more digits)");
        }
    }
}
