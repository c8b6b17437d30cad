package id.gelombang.common.crypto;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Six-digit email codes. A code is derived from the lookup secret, the registration id and the
 * issue number instead of drawn at random: a worker that dies after mailing it and retries mails
 * the same code again, so the registrant never holds a code that silently stopped working.
 * Only a keyed digest of the code is stored.
 */
@ApplicationScoped
public class OneTimeCodes {

    private static final int CODE_SPACE = 1_000_000;

    private final PersonalDataProtection protection;

    public OneTimeCodes(PersonalDataProtection protection) {
        this.protection = protection;
    }

    public String code(UUID registrationId, int issue) {
        byte[] mac = protection.lookupDigest("email-code", registrationId + ":" + issue);
        int value = Math.floorMod(ByteBuffer.wrap(mac, 0, Integer.BYTES).getInt(), CODE_SPACE);
        return String.format("%06d", value);
    }

    public byte[] digest(UUID registrationId, String code) {
        return protection.lookupDigest("email-code-digest", registrationId + ":" + code);
    }

    public boolean matches(UUID registrationId, String code, byte[] storedDigest) {
        return MessageDigest.isEqual(digest(registrationId, code), storedDigest);
    }
}
