package id.gelombang.wave.draw;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.common.secrets.SecretsExtension;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Seals a system-made draw seed so that only the draw can read it. The seed is sealed to an X25519
 * public key (an ephemeral key agreement, then AES-256-GCM bound to the wave): every function that
 * creates waves holds the public key and can seal, and only the function given the private key (in
 * AWS the DrawFunction alone, infra/template.yaml) can unseal. So neither the public API nor a worker,
 * nor anyone reading the database and their configuration, can compute ranks while the wave is open.
 * Seeds sealed before this existed were encrypted with the personal-data key and still unseal with it.
 */
@ApplicationScoped
public class DrawSeedSeal {

    /** Format of a seed encrypted with the personal-data key (PersonalDataProtection). */
    private static final Logger LOG = Logger.getLogger(DrawSeedSeal.class);
    private static final byte DATA_KEY_FORMAT = 1;
    /** Format of a seed sealed to the draw's X25519 key: format, ephemeral public key (X.509), nonce, ciphertext. */
    private static final byte DRAW_KEY_FORMAT = 2;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] KDF_LABEL = "gelombang.draw.seed".getBytes(StandardCharsets.UTF_8);

    private final PublicKey publicKey;
    /** From configuration, or read from the key's secret at the first draw; null until then. */
    private volatile PrivateKey privateKey;
    private final Optional<String> privateKeySecret;
    private final URI extension;
    private final SecretsExtension secrets;
    private final PersonalDataProtection protection;
    private final SecureRandom random = new SecureRandom();

    public DrawSeedSeal(DrawConfig config, SecretsExtension secrets, PersonalDataProtection protection) {
        this.publicKey = config.seedPublicKey().map(DrawSeedSeal::publicKey).orElse(null);
        this.privateKey = config.seedPrivateKey().map(DrawSeedSeal::privateKey).orElse(null);
        this.privateKeySecret = config.seedPrivateKeySecret();
        this.extension = config.secretsExtension();
        this.secrets = secrets;
        this.protection = protection;
    }

    /** Whether this function can seal a seed (it was given the draw's public key). */
    public boolean canSeal() {
        return publicKey != null;
    }

    /** Seals {@code seed} for the draw, bound to {@code context} (the wave) so it cannot be moved to another. */
    public byte[] seal(byte[] seed, String context) {
        if (publicKey == null) {
            throw new IllegalStateException("gelombang.draw.seed-public-key is not configured for this function");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("X25519");
            KeyPair ephemeral = generator.generateKeyPair();
            byte[] ephemeralPublic = ephemeral.getPublic().getEncoded();
            SecretKeySpec key = key(ephemeral.getPrivate(), publicKey, ephemeralPublic);
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(seed);
            return ByteBuffer.allocate(2 + ephemeralPublic.length + NONCE_BYTES + sealed.length)
                    .put(DRAW_KEY_FORMAT).put((byte) ephemeralPublic.length).put(ephemeralPublic).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Sealing the draw seed failed", e);
        }
    }

    /**
     * The seed, for the draw. A function without the draw's private key is refused (409): its draw
     * runs in the function that has it (docs/wave-runbook.md, "Running a draw").
     */
    public byte[] unseal(byte[] stored, String context) {
        if (stored.length > 0 && stored[0] == DATA_KEY_FORMAT) {
            return protection.decrypt(stored, context);
        }
        if (stored.length < 2 || stored[0] != DRAW_KEY_FORMAT) {
            throw new IllegalStateException("Unknown sealed seed format");
        }
        PrivateKey key = privateKey(false);
        if (key == null) {
            throw ProblemType.DRAW_SEED_SEALED.exception("This wave's seed is sealed for the draw function; run the draw "
                    + "there (docs/wave-runbook.md, \"Running a draw\").");
        }
        byte[] seed = openOrNull(stored, context, key);
        if (seed == null && privateKeySecret.isPresent()) {
            // A key read from its secret may have been rotated since: read it once more.
            PrivateKey latest = privateKey(true);
            seed = latest.equals(key) ? null : openOrNull(stored, context, latest);
        }
        if (seed == null) {
            throw new IllegalStateException("The sealed seed does not open with the configured draw key");
        }
        return seed;
    }

    /** The seed, or null when it was not sealed to this key (or for this context). */
    private static byte[] openOrNull(byte[] stored, String context, PrivateKey own) {
        try {
            return open(stored, context, own);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private static byte[] open(byte[] stored, String context, PrivateKey own) throws GeneralSecurityException {
        int publicLength = stored[1] & 0xff;
        byte[] ephemeralPublic = Arrays.copyOfRange(stored, 2, 2 + publicLength);
        int nonceAt = 2 + publicLength;
        SecretKeySpec key = key(own, publicKey(Base64.getEncoder().encodeToString(ephemeralPublic)), ephemeralPublic);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, nonceAt, NONCE_BYTES));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher.doFinal(stored, nonceAt + NONCE_BYTES, stored.length - nonceAt - NONCE_BYTES);
    }

    /**
     * Reads the draw's private key from its secret now, when it will be read from there and has not
     * been yet, off the event loop: a draw asks for it inside its transaction, holding the wave's row.
     */
    public Uni<Void> loadKey() {
        if (privateKey != null || privateKeySecret.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().item(() -> privateKey(false)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .replaceWithVoid();
    }

    /**
     * The draw's private key: from configuration, else from its secret (read once, or again with
     * {@code reread}); null when this function has neither. A secret that cannot be read now is a
     * passing outage: 503, and the draw is tried again.
     */
    private PrivateKey privateKey(boolean reread) {
        PrivateKey key = privateKey;
        if ((key == null || reread) && privateKeySecret.isPresent()) {
            try {
                key = privateKey(secrets.read(extension, privateKeySecret.get(), reread));
            } catch (SecretsExtension.Unreadable e) {
                LOG.warnf("The draw's private key could not be read from its secret (%s)", e.getMessage());
                throw new ProblemException(ProblemType.UNAVAILABLE.problem(
                        "The draw's key cannot be read right now. Try again shortly."), Map.of("Retry-After", "5"));
            }
            privateKey = key;
        }
        return key;
    }

    /** AES-256 key from the X25519 shared secret, bound to the ephemeral public key. */
    private static SecretKeySpec key(PrivateKey own, PublicKey other, byte[] ephemeralPublic) throws GeneralSecurityException {
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(own);
        agreement.doPhase(other, true);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(agreement.generateSecret(), "HmacSHA256"));
        mac.update(KDF_LABEL);
        return new SecretKeySpec(mac.doFinal(ephemeralPublic), "AES");
    }

    /** An X25519 public key as base64 of its X.509 DER ({@code openssl pkey -pubout -outform DER | base64}). */
    static PublicKey publicKey(String base64) {
        try {
            return KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(base64.strip())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("gelombang.draw.seed-public-key is not an X25519 public key (base64 of X.509 DER)");
        }
    }

    /** An X25519 private key as base64 of its PKCS#8 DER ({@code openssl genpkey -algorithm X25519 -outform DER | base64}). */
    static PrivateKey privateKey(String base64) {
        try {
            return KeyFactory.getInstance("X25519").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(base64.strip())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("gelombang.draw.seed-private-key is not an X25519 private key (base64 of PKCS#8 DER)");
        }
    }
}
