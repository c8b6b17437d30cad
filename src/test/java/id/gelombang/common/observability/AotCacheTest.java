package id.gelombang.common.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** java.vm.info as Temurin 25 reports it with and without a mapped AOT cache (AotCacheCheckIT runs the real thing). */
class AotCacheTest {

    @Test
    void aCacheThatWasGivenButNotMappedIsRejected() {
        assertThat(AotCache.rejected("gelombang.aot", "mixed mode, emulated-client")).isTrue();
        assertThat(AotCache.rejected("gelombang.aot", "mixed mode, emulated-client, sharing")).isFalse();
    }

    @Test
    void withoutACacheNothingIsRejected() {
        assertThat(AotCache.rejected(null, "mixed mode, emulated-client")).isFalse();
        assertThat(AotCache.rejected("", "mixed mode")).isFalse();
    }
}
