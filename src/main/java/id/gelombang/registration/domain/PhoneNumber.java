package id.gelombang.registration.domain;

import java.util.regex.Pattern;

import id.gelombang.common.problem.FieldErrors;

/** An Indonesian mobile number, accepted as 08…, 628… or +628… and kept in E.164 (+628…). */
public final class PhoneNumber {

    /**
     * Every number accepted, as sent: 0, 62 or +62, then the subscriber number (8 and 8 to 11 more
     * digits), with spaces and dashes anywhere. The OpenAPI document declares the same pattern.
     */
    public static final String PATTERN = "^[ -]*(?:0|6[ -]*2|\\+[ -]*6[ -]*2)[ -]*8(?:[ -]*[0-9]){8,11}[ -]*$";
    private static final Pattern SHAPE = Pattern.compile(PATTERN);

    private PhoneNumber() {
    }

    public static String toE164(String value, String field, FieldErrors errors) {
        if (value == null || !SHAPE.matcher(value).matches()) {
            errors.add(field, "must be an Indonesian mobile number such as 081234567890, 6281234567890 or +6281234567890");
            return null;
        }
        String digits = value.replace(" ", "").replace("-", "").replace("+", "");
        // The subscriber number starts at its 8: after the 0, or after the country code 62.
        return "+62" + digits.substring(digits.startsWith("0") ? 1 : 2);
    }
}
