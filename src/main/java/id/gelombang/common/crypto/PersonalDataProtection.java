package id.gelombang.common.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Encryption at rest and keyed lookup digests for personal data (UU PDP Pasal 35). A NIK is never
 * stored in clear: rows hold its AES-GCM ciphertext and an HMAC that serves the unique index
 * without revealing the number, since a plain hash of a 16-digit NIK is easily brute-forced.
 */
@ApplicationScoped
public class PersonalDataProtection {

    private static final byte FORMAT_VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** Null in a function that was not given the key (infra/template.yaml): its first use fails then. */
    private final SecretKeySpec dataKey;
    private final SecretKeySpec lookupKey;
    private final SecureRandom random = new SecureRandom();
    /*
     * One cipher and one keyed MAC per thread, re-initialised or reset on every use: the provider
     * lookup of getInstance is a measurable share of a warm registration's CPU, which encrypts every
     * possible reply (bench/README.md), and neither object may be shared between threads.
     */
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(() -> newInstance(() -> Cipher.getInstance("AES/GCM/NoPadding")));
    private final ThreadLocal<Mac> lookupMacs;

    public PersonalDataProtection(CryptoConfig config) {
        this.dataKey = config.dataKey().map(key -> new SecretKeySpec(deriveKey(key, "gelombang.crypto.data-key"), "AES")).orElse(null);
        this.lookupKey = config.lookupKey().map(key -> new SecretKeySpec(deriveKey(key, "gelombang.crypto.lookup-key"), "HmacSHA256")).orElse(null);
        this.lookupMacs = ThreadLocal.withInitial(() -> newInstance(() -> {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(required(lookupKey, "gelombang.crypto.lookup-key"));
            return mac;
        }));
    }

    /** Each function gets only the keys it uses (infra/template.yaml): this one was not given this one. */
    private static SecretKeySpec required(SecretKeySpec key, String name) {
        if (key == null) {
            throw new IllegalStateException(name + " is not configured for this function");
        }
        return key;
    }

    /** Keyed digest of a value within a purpose ("nik", "kk", ...), so equal values in different roles differ. */
    public byte[] lookupDigest(String purpose, String value) {
        // Both encoded before the MAC is fed: a failure half-way would leave this thread's MAC dirty.
        byte[] purposeBytes = purpose.getBytes(StandardCharsets.UTF_8);
        byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
        Mac mac = lookupMacs.get();
        mac.update(purposeBytes);
        mac.update((byte) 0);
        return mac.doFinal(valueBytes); // and resets it, keeping its key
    }

    /** Encrypts {@code plaintext}, binding it to {@code context} (for example the row id) so it cannot be moved. */
    public byte[] encrypt(byte[] plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, required(dataKey, "gelombang.crypto.data-key"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
                    .put(FORMAT_VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    public byte[] decrypt(byte[] stored, String context) {
        if (stored.length < 1 + NONCE_BYTES || stored[0] != FORMAT_VERSION) {
            throw new IllegalStateException("Unknown ciphertext format");
        }
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, required(dataKey, "gelombang.crypto.data-key"), new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ciphertext does not decrypt with the configured key");
        }
    }

    private interface JcaFactory<T> {
        T create() throws GeneralSecurityException;
    }

    private static <T> T newInstance(JcaFactory<T> factory) {
        try {
            return factory.create();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM or HMAC-SHA256 cannot be set up with the configured key", e);
        }
    }

    /**
     * Derives a 256-bit key from a configured secret, so a generated Secrets Manager string can
     * be used as it is. The secret must be long enough to carry 256 bits of entropy.
     */
    private static byte[] deriveKey(String secret, String name) {
        if (secret == null || secret.strip().length() < 32) {
            throw new IllegalStateException(name + " must be a secret of at least 32 characters");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.strip().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
