package id.gelombang.registration.domain;

import java.util.Locale;
import java.util.regex.Pattern;

import id.gelombang.common.problem.FieldErrors;

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

    /**
     * The form under which registrations per address are counted: one mailbox, one form. Mail
     * providers deliver {@code Siti+gelombang@example.com} to {@code siti@example.com} (sub-addressing),
     * and Gmail ignores dots in the local part and answers for googlemail.com too; a bot with one
     * mailbox must not pass for many. Only a digest of this form is stored; mail goes to the address as typed.
     */
    public static String canonical(String address) {
        String lower = address.strip().toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf('@');
        String local = lower.substring(0, at);
        String domain = lower.substring(at + 1);
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        if (domain.equals("gmail.com") || domain.equals("googlemail.com")) {
            domain = "gmail.com";
            local = local.replace(".", "");
        }
        return local + "@" + domain;
    }

    /** {@code siti@example.com} becomes {@code s***@example.com}. */
    public static String mask(String address) {
        int at = address.lastIndexOf('@');
        return address.charAt(0) + "***" + address.substring(at);
    }
}
