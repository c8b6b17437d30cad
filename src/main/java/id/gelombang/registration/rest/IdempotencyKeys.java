package id.gelombang.registration.rest;

/** The Idempotency-Key header as the contract allows it, wherever a route takes one. */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    /** Why a key is unacceptable, or null: 1-255 printable ASCII characters. */
    public static String problemWith(String key) {
        if (key == null || key.isBlank()) {
            return "is required";
        }
        if (key.length() > 255) {
            return "must be at most 255 characters";
        }
        if (!key.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)) {
            return "must be printable ASCII";
        }
        return null;
    }
}
