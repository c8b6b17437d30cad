package id.gelombang.wave.draw;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;

/**
 * The secret of a draw wave and the two public facts derived from it: the commitment published
 * while the wave is open, and each registration's rank. The database computes the ranks of a whole
 * wave (db/draw/draw.sql); {@link #rank} is the same formula, for anyone checking one.
 */
public final class DrawSeed {

    public static final int BYTES = 32;
    /** A seed handed in as hex, either case; the OpenAPI document declares the same. */
    public static final String PATTERN = "^[0-9a-fA-F]{" + BYTES * 2 + "}$";
    private static final SecureRandom RANDOM = new SecureRandom();

    private DrawSeed() {
    }

    public static byte[] generate() {
        byte[] seed = new byte[BYTES];
        RANDOM.nextBytes(seed);
        return seed;
    }

    /**
     * A seed handed in as hex (either case): exactly {@value #BYTES} bytes, else a 400 naming the field.
     */
    public static byte[] parse(String hex) {
        if (hex.length() == BYTES * 2) {
            try {
                return HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        throw new ProblemException(ProblemType.VALIDATION.problem("The seed is malformed.",
                new FieldErrors().add("seed", "must be the 32-byte seed as 64 hex digits").list()));
    }

    /** Lowercase hex SHA-256 of the seed bytes. */
    public static String commitment(byte[] seed) {
        return HexFormat.of().formatHex(sha256().digest(seed));
    }

    /** Lowercase hex SHA-256 of the seed bytes followed by the id's canonical text in UTF-8. */
    public static String rank(byte[] seed, UUID registrationId) {
        MessageDigest digest = sha256();
        digest.update(seed);
        digest.update(registrationId.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
