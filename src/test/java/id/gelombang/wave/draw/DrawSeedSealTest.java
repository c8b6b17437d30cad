package id.gelombang.wave.draw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import id.gelombang.common.crypto.CryptoConfig;
import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.secrets.SecretsExtension;

/**
 * A system-made seed sealed to the draw's key: the configuration every function but the draw's has
 * (the data and lookup keys, the public key) cannot open it.
 */
class DrawSeedSealTest {

    private static final SecretsExtension SECRETS = new SecretsExtension(new ObjectMapper());

    private static final PersonalDataProtection DATA_KEY = new PersonalDataProtection(new CryptoConfig() {
        @Override
        public Optional<String> dataKey() {
            return Optional.of("data-key-for-this-unit-test-only-0001");
        }

        @Override
        public Optional<String> lookupKey() {
            return Optional.of("lookup-key-for-this-unit-test-only-01");
        }
    });

    @Test
    void onlyTheFunctionWithThePrivateKeyOpensASealedSeed() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        String publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        String privateKey = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
        DrawSeedSeal api = new DrawSeedSeal(config(publicKey, null), SECRETS, DATA_KEY);
        DrawSeedSeal drawFunction = new DrawSeedSeal(config(null, privateKey), SECRETS, DATA_KEY);
        byte[] seed = DrawSeed.generate();

        byte[] sealed = api.seal(seed, "draw-seed:W-1");

        assertThat(drawFunction.unseal(sealed, "draw-seed:W-1")).isEqualTo(seed);
        // The API's (and every worker's) configuration: the personal-data key does not open it.
        assertThatThrownBy(() -> api.unseal(sealed, "draw-seed:W-1")).isInstanceOf(ProblemException.class)
                .hasMessageContaining("unsealed only where draws run");
        assertThatThrownBy(() -> DATA_KEY.decrypt(sealed, "draw-seed:W-1")).isInstanceOf(IllegalStateException.class);
        // Bound to its wave, and to this key pair.
        assertThatThrownBy(() -> drawFunction.unseal(sealed, "draw-seed:W-2")).isInstanceOf(IllegalStateException.class);
        KeyPair other = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        DrawSeedSeal otherKey = new DrawSeedSeal(config(null, Base64.getEncoder().encodeToString(other.getPrivate().getEncoded())),
                SECRETS, DATA_KEY);
        assertThatThrownBy(() -> otherKey.unseal(sealed, "draw-seed:W-1")).isInstanceOf(IllegalStateException.class);
        // A fresh ephemeral key each time: the same seed never seals the same way twice.
        assertThat(api.seal(seed, "draw-seed:W-1")).isNotEqualTo(sealed);
    }

    @Test
    void aSeedEncryptedWithTheDataKeyBeforeTheDrawHadItsOwnKeyStillOpens() {
        byte[] seed = DrawSeed.generate();
        byte[] legacy = DATA_KEY.encrypt(seed, "draw-seed:OLD");
        assertThat(new DrawSeedSeal(config(null, null), SECRETS, DATA_KEY).unseal(legacy, "draw-seed:OLD")).isEqualTo(seed);
    }

    @Test
    void withoutThePublicKeyNothingIsSealed() {
        DrawSeedSeal none = new DrawSeedSeal(config(null, null), SECRETS, DATA_KEY);
        assertThat(none.canSeal()).isFalse();
        assertThatThrownBy(() -> none.seal(DrawSeed.generate(), "draw-seed:W")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new DrawSeedSeal(config("not a key", null), SECRETS, DATA_KEY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("seed-public-key");
    }

    @Test
    void theDrawFunctionReadsItsKeyFromTheSecretAtRunTimeAndAgainAfterARotation() throws Exception {
        WireMockServer extension = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        extension.start();
        try {
            KeyPair first = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            KeyPair second = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            DrawConfig drawFunctionsConfig = config(null, null, "gelombang/draw-seed-key", extension.baseUrl());
            DrawSeedSeal drawFunction = new DrawSeedSeal(drawFunctionsConfig, SECRETS, DATA_KEY);
            byte[] seed = DrawSeed.generate();
            byte[] sealed = sealerFor(first).seal(seed, "draw-seed:W-1");
            secretHolds(extension, first);

            assertThat(drawFunction.unseal(sealed, "draw-seed:W-1")).isEqualTo(seed);

            // Rotated: later waves are sealed to the new key, and the secret holds its private half.
            secretHolds(extension, second);
            byte[] later = DrawSeed.generate();
            assertThat(drawFunction.unseal(sealerFor(second).seal(later, "draw-seed:W-2"), "draw-seed:W-2")).isEqualTo(later);
            extension.verify(2, WireMock.getRequestedFor(WireMock.urlPathEqualTo("/secretsmanager/get"))
                    .withQueryParam("secretId", WireMock.equalTo("gelombang/draw-seed-key"))
                    .withHeader("X-Aws-Parameters-Secrets-Token", WireMock.matching(".*")));
            // The second read past the extension's cache, which still held the old key.
            extension.verify(1, WireMock.getRequestedFor(WireMock.urlPathEqualTo("/secretsmanager/get"))
                    .withQueryParam("refreshNow", WireMock.equalTo("true")));

            // The extension cannot read the secret (a missing grant, say): a passing outage, nothing drawn.
            extension.stubFor(WireMock.get(WireMock.urlPathEqualTo("/secretsmanager/get")).willReturn(WireMock.aResponse().withStatus(400)));
            DrawSeedSeal cold = new DrawSeedSeal(drawFunctionsConfig, SECRETS, DATA_KEY);
            assertThatThrownBy(() -> cold.unseal(sealed, "draw-seed:W-1")).isInstanceOfSatisfying(ProblemException.class,
                    e -> assertThat(e.problem().status()).isEqualTo(503));
        } finally {
            extension.stop();
        }
    }

    private static DrawSeedSeal sealerFor(KeyPair pair) {
        return new DrawSeedSeal(config(Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()), null), SECRETS, DATA_KEY);
    }

    private static void secretHolds(WireMockServer extension, KeyPair pair) {
        extension.stubFor(WireMock.get(WireMock.urlPathEqualTo("/secretsmanager/get")).willReturn(WireMock.okJson(
                "{\"Name\": \"gelombang/draw-seed-key\", \"SecretString\": \""
                        + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\"}")));
    }

    private static DrawConfig config(String publicKey, String privateKey) {
        return config(publicKey, privateKey, null, "http://localhost:2773");
    }

    private static DrawConfig config(String publicKey, String privateKey, String privateKeySecret, String extension) {
        return new DrawConfig() {
            @Override
            public Optional<String> seedPrivateKeySecret() {
                return Optional.ofNullable(privateKeySecret);
            }

            @Override
            public URI secretsExtension() {
                return URI.create(extension);
            }

            @Override
            public Duration timeLimit() {
                return Duration.ofSeconds(15);
            }

            @Override
            public int batchSize() {
                return 5000;
            }

            @Override
            public Optional<String> seedPublicKey() {
                return Optional.ofNullable(publicKey);
            }

            @Override
            public Optional<String> seedPrivateKey() {
                return Optional.ofNullable(privateKey);
            }
        };
    }
}
