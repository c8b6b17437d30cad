package id.gelombang.registration.domain;

import java.util.regex.Pattern;

/**
 * The reference of the identity check, made outside the system, that proved a registration
 * fraudulent (the help desk's or the civil registry's case number, a police report's number). It is
 * kept with the voided registration and in the audit trail, so it must be a number and nothing
 * personal: 3 to 64 characters of letters, digits and {@code - _ . / : #}, with at least one digit
 * (a name has none), no spaces, no {@code @} (an address has one) and no run of 8 or more digits (a
 * NIK, a family-card or a phone number has one).
 */
public final class VoidCase {

    private static final Pattern SHAPE = Pattern.compile("(?=.*\\d)[A-Za-z0-9][A-Za-z0-9._/:#-]{2,63}");
    private static final Pattern LONG_NUMBER = Pattern.compile("[0-9]{8}");

    private VoidCase() {
    }

    /** The reference as given, or null with an error when it is not one. */
    public static String check(String value, String field, FieldErrors errors) {
        if (value == null || !SHAPE.matcher(value).matches() || LONG_NUMBER.matcher(value).find()) {
            errors.add(field, "must be the identity check's case number: 3-64 letters, digits or - _ . / : #, with a digit,"
                    + " no spaces and nothing personal (no run of 8 or more digits)");
            return null;
        }
        return value;
    }
}
