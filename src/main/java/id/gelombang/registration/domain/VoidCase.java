package id.gelombang.registration.domain;

import java.util.regex.Pattern;

import id.gelombang.common.problem.FieldErrors;

/**
 * The reference of the identity check, made outside the system, that proved a registration
 * fraudulent (the help desk's or the civil registry's case number, a police report's number). It is
 * kept with the voided registration and in the audit trail, so it must be a number and nothing
 * personal: 3 to 64 characters of letters, digits and {@code - _ . / : #}, with at least one digit
 * (a name has none), no spaces, no {@code @} (an address has one) and no run of 8 or more digits (a
 * NIK, a family-card or a phone number has one).
 */
public final class VoidCase {

    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 64;
    /**
     * The characters, with a digit among them and no run of 8 or more digits (a NIK or KK number is
     * personal), written without lookahead, which not every JSON Schema tool reads: an optional letter
     * and non-digits, then runs of 1-7 digits separated by non-digits. The length is
     * {@link #MIN_LENGTH}-{@link #MAX_LENGTH}.
     */
    public static final String PATTERN = "^(?:[A-Za-z][A-Za-z._/:#-]*)?[0-9]{1,7}(?:[A-Za-z._/:#-]+[0-9]{1,7})*[A-Za-z._/:#-]*$";
    private static final Pattern SHAPE = Pattern.compile(PATTERN);

    private VoidCase() {
    }

    /** The reference as given, or null with an error when it is not one. */
    public static String check(String value, String field, FieldErrors errors) {
        if (value == null || value.length() < MIN_LENGTH || value.length() > MAX_LENGTH || !SHAPE.matcher(value).matches()) {
            errors.add(field, "must be the identity check's case number: 3-64 letters, digits or - _ . / : #, with a digit,"
                    + " no spaces and nothing personal (no run of 8 or more digits)");
            return null;
        }
        return value;
    }
}
