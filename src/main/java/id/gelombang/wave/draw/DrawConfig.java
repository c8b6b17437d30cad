package id.gelombang.wave.draw;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "gelombang.draw")
public interface DrawConfig {

    /**
     * How long a draw may run, all its transactions together (each one's statement_timeout and
     * lock_timeout, SET LOCAL, is what is left of it).
     * 15 s in the API function: below its 20 s Lambda timeout, itself below API Gateway's 30 s, so a
     * draw too large for the API is cancelled by PostgreSQL, never cut off by Lambda; either way it is
     * not published, and runs again from its ranking. The template's DrawFunction (900 s Lambda timeout) sets 12 minutes for large waves,
     * leaving the rest for writing the draw's list of ranks.
     */
    @WithDefault("PT15S")
    Duration timeLimit();

    /**
     * How many registrations one transaction of a draw writes its verdicts on: no registration's row is
     * held by the draw for longer than one such batch, which releases in the wave wait for.
     */
    @WithDefault("5000")
    int batchSize();

    /**
     * The X25519 public key (base64 of X.509 DER) system-made draw seeds are sealed to when a draw wave
     * is created. Without it a draw wave needs a drawCommitment made outside. Not a secret.
     */
    Optional<String> seedPublicKey();

    /**
     * The matching private key (base64 of PKCS#8 DER): only the function that runs draws has it, so no
     * function serving the public or running workers can read a seed before its draw. Given here, it
     * sits in the function's configuration; {@link #seedPrivateKeySecret()} keeps it out.
     */
    Optional<String> seedPrivateKey();

    /**
     * The Secrets Manager secret that holds the private key, read when a draw first needs it through
     * the AWS Parameters and Secrets Lambda Extension at {@link #secretsExtension()}, and again when a
     * seed does not open with the key read before (the key was rotated).
     */
    Optional<String> seedPrivateKeySecret();

    /** The Parameters and Secrets extension's endpoint in the function. */
    @WithDefault("http://localhost:2773")
    URI secretsExtension();
}
