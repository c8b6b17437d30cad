package id.gelombang.registration.domain;

import java.util.Locale;
import java.util.regex.Pattern;

public final class EmailAddress {

    public static final int MAX_LENGTH = 254;
    /** Deliberately plain: one @, a dotted domain, no spaces; verification by code proves the rest. */
    public static final String PATTERN = "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$";
    private static final Pattern SHAPE = Pattern.compile(PATTERN);

    private EmailAddress() {
    }

    /** Returns the address with its domain in lower case, or null (and an error) when it is not one. */
    public static String normalise(String value, String field, FieldErrors errors) {
        if (value == null || value.length() > MAX_LENGTH || !SHAPE.matcher(value).matches()) {
            errors.add(field, "must be an email address such as name@example.com");
            return null;
        }
        int at = value.lastIndexOf('@');
        return value.substring(0, at) + value.substring(at).toLowerCase(Locale.ROOT);
    }

    /** {@code siti@example.com} becomes {@code s***@example.com}. */
    public static String mask(String address) {
        int at = address.lastIndexOf('@');
        return address.charAt(0) + "***" + address.substring(at);
    }
}
