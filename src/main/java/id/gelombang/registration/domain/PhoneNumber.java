package id.gelombang.registration.domain;

import java.util.regex.Pattern;

/** An Indonesian mobile number, accepted as 08…, 628… or +628… and kept in E.164 (+628…). */
public final class PhoneNumber {

    /** After the 8 that starts every Indonesian mobile number come 8 to 11 more digits. */
    private static final Pattern SUBSCRIBER = Pattern.compile("8\\d{8,11}");

    private PhoneNumber() {
    }

    public static String toE164(String value, String field, FieldErrors errors) {
        String subscriber = null;
        if (value != null) {
            String compact = value.replace(" ", "").replace("-", "");
            if (compact.startsWith("+62")) {
                subscriber = compact.substring(3);
            } else if (compact.startsWith("62")) {
                subscriber = compact.substring(2);
            } else if (compact.startsWith("0")) {
                subscriber = compact.substring(1);
            }
        }
        if (subscriber == null || !SUBSCRIBER.matcher(subscriber).matches()) {
            errors.add(field, "must be an Indonesian mobile number such as 081234567890, 6281234567890 or +6281234567890");
            return null;
        }
        return "+62" + subscriber;
    }
}
