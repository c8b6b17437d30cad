package id.gelombang.registration.rest;

import java.util.Objects;
import java.util.regex.Pattern;

import jakarta.ws.rs.core.HttpHeaders;

/**
 * The Idempotency-Key header as the contract allows it, wherever a route takes one: 1-255 printable
 * ASCII characters, with at least one that is neither a space nor a comma.
 */
public final class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    public static final int MAX_LENGTH = 255;
    /**
     * Printable ASCII with something besides spaces and commas; the OpenAPI document declares the same
     * pattern and length. A key of spaces is nothing once HTTP trims it, and a key of commas is nothing
     * once the Lambda adapter splits the header on them.
     */
    public static final String PATTERN = "^[ -~]*[!-+\\--~][ -~]*$";
    private static final Pattern SHAPE = Pattern.compile(PATTERN);

    private IdempotencyKeys() {
    }

    /**
     * The key as the client sent it, or null when the header is absent. The Lambda adapter splits every
     * header on commas into several values (API Gateway joins repeated headers that way), and a
     * {@code @HeaderParam} would read only the first piece, or null when that piece is empty: the
     * pieces are joined back, so "a,b" stays "a,b" and an empty header stays a (malformed) empty key.
     */
    public static String from(HttpHeaders headers) {
        return headers.getRequestHeaders().containsKey(HEADER) ? Objects.toString(headers.getHeaderString(HEADER), "") : null;
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
            return "must be printable ASCII, with something besides spaces and commas";
        }
        return null;
    }
}
