package id.gelombang.access.service;

import java.nio.ByteBuffer;
import java.time.LocalDate;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.crypto.PersonalDataProtection;

/**
 * The keyed values behind access codes. A code is derived from the lookup secret, the NIK and the
 * request's random nonce, so the email worker can mail it without it ever being stored; what is
 * stored and compared is its keyed digest, and the birth date is compared as a keyed digest too.
 */
@ApplicationScoped
public class AccessSecrets {

    private static final int CODE_SPACE = 1_000_000;

    private final PersonalDataProtection protection;

    public AccessSecrets(PersonalDataProtection protection) {
        this.protection = protection;
    }

    /** The NIK's lookup digest, as registrations store it. */
    public byte[] nikDigest(String nik) {
        return protection.lookupDigest("nik", nik);
    }

    public byte[] birthDigest(String nik, LocalDate birthDate) {
        return protection.lookupDigest("access-birth-date", nik + ":" + birthDate);
    }

    public String code(String nik, long nonce) {
        byte[] mac = protection.lookupDigest("access-code", nik + ":" + nonce);
        return String.format("%06d", Math.floorMod(ByteBuffer.wrap(mac, 0, Integer.BYTES).getInt(), CODE_SPACE));
    }

    public byte[] codeDigest(String nik, String code) {
        return protection.lookupDigest("access-code-digest", nik + ":" + code);
    }
}
