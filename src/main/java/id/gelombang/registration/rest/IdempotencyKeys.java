package id.gelombang.registration.rest;

import java.util.regex.Pattern;

/** The Idempotency-Key header as the contract allows it, wherever a route takes one: 1-255 printable ASCII characters, not only spaces. */
public final class IdempotencyKeys {

    public static final int MAX_LENGTH = 255;
    /** Printable ASCII, not only spaces; the OpenAPI document declares the same pattern and length. */
    public static final String PATTERN = "^[ -~]*[!-~][ -~]*$";
    private static final Pattern SHAPE = Pattern.compile(PATTERN);

    private IdempotencyKeys() {
    }

    /** Why a key is unacceptable, or null: 1-255 printable ASCII characters. */
    public static String problemWith(String key) {
        if (key == null || key.isBlank()) {
            return "is required";
        }
        if (key.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        if (!SHAPE.matcher(key).matches()) {
            return "must be printable ASCII";
        }
        return null;
    }
}
