package id.gelombang.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/**
 * The cipher and MAC are kept per thread and reused: every use must still give what a fresh
 * instance gives, whatever came before it on that thread (a failed decryption included).
 */
class PersonalDataProtectionTest {

    private final PersonalDataProtection protection = new PersonalDataProtection(new CryptoConfig() {
        @Override
        public Optional<String> dataKey() {
            return Optional.of("data-key-for-this-unit-test-only-0001");
        }

        @Override
        public Optional<String> lookupKey() {
            return Optional.of("lookup-key-for-this-unit-test-only-001");
        }
    });

    @Test
    void aLookupDigestIsTheSameOnEveryCallAndEveryThread() throws Exception {
        byte[] first = protection.lookupDigest("nik", "3201010101900001");
        assertThat(protection.lookupDigest("kk", "3201010101900001")).isNotEqualTo(first);
        assertThat(protection.lookupDigest("nik", "3201010101900001")).isEqualTo(first);
        assertThat(CompletableFuture.supplyAsync(() -> protection.lookupDigest("nik", "3201010101900001")).get()).isEqualTo(first);

        assertThatThrownBy(() -> protection.lookupDigest("nik", null)).isInstanceOf(NullPointerException.class);
        assertThat(protection.lookupDigest("nik", "3201010101900001")).isEqualTo(first);
    }

    @Test
    void ciphertextDecryptsOnlyInItsContextAndAFailureLeavesTheNextCallIntact() {
        byte[] sealed = protection.encrypt("Siti Aminah".getBytes(StandardCharsets.UTF_8), "row-1");
        byte[] again = protection.encrypt("Siti Aminah".getBytes(StandardCharsets.UTF_8), "row-1");
        assertThat(again).isNotEqualTo(sealed); // a fresh nonce every time

        assertThatThrownBy(() -> protection.decrypt(sealed, "row-2")).isInstanceOf(IllegalStateException.class);
        assertThat(new String(protection.decrypt(sealed, "row-1"), StandardCharsets.UTF_8)).isEqualTo("Siti Aminah");
        assertThat(new String(protection.decrypt(again, "row-1"), StandardCharsets.UTF_8)).isEqualTo("Siti Aminah");
    }
}
