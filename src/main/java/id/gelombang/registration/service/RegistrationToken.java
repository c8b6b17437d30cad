package id.gelombang.registration.service;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

import id.gelombang.common.crypto.Digests;

/**
 * The bearer secret handed to a registrant once: 256 random bits, base64url. Only its SHA-256
 * is stored; a high-entropy secret needs no slow hash.
 */
public final class RegistrationToken {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private RegistrationToken() {
    }

    public static String generate() {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    public static boolean looksValid(String token) {
        return token != null && SHAPE.matcher(token).matches();
    }

    public static byte[] digest(String token) {
        return Digests.sha256(token.getBytes(StandardCharsets.US_ASCII));
    }
}
