package id.gelombang.wave.draw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class DrawSeedTest {

    /** The bytes 0x00..0x1f, whose SHA-256 any tool reproduces. */
    private static final byte[] SEED = new byte[32];

    static {
        for (int i = 0; i < SEED.length; i++) {
            SEED[i] = (byte) i;
        }
    }

    @Test
    void theCommitmentIsTheLowercaseHexSha256OfTheSeed() {
        assertThat(DrawSeed.commitment(SEED)).isEqualTo("630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd");
    }

    @Test
    void aRankIsTheSha256OfTheSeedFollowedByTheIdsCanonicalText() {
        // python3 -c "import hashlib; print(hashlib.sha256(bytes(range(32)) + b'0f8fad5b-d9cb-469f-a165-70867728950e').hexdigest())"
        assertThat(DrawSeed.rank(SEED, UUID.fromString("0F8FAD5B-D9CB-469F-A165-70867728950E")))
                .isEqualTo("47343cdcfb086eecc3577dfc7d72ba0eca673bd1494acc5d8178b7b16381b799");
    }

    @Test
    void seedsAre32FreshRandomBytes() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            byte[] seed = DrawSeed.generate();
            assertThat(seed).hasSize(32);
            seen.add(DrawSeed.commitment(seed));
        }
        assertThat(seen).hasSize(100);
    }
}
