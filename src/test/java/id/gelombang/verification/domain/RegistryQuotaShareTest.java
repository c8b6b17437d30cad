package id.gelombang.verification.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RegistryQuotaShareTest {

    /** The runbook's registry: 20 calls/s agreed, paced at 18/s, 500,000 a day. */
    private static final RegistryQuotaShare AS_DEPLOYED = new RegistryQuotaShare(500_000, 18, 1.0, Duration.ofMinutes(30));
    private static final Instant MIDNIGHT = Instant.parse("2026-12-07T17:00:00Z"); // 00:00 in Jakarta
    private static final short VERIFIED = NikCheckPriority.EMAIL_VERIFIED.value();
    private static final short UNVERIFIED = NikCheckPriority.EMAIL_UNVERIFIED.value();

    @Test
    void earlyInTheDayOnlyVerifiedRegistrantsAreCheckedBecauseTheyCouldUseTheWholeQuota() {
        Instant morning = MIDNIGHT.minus(Duration.ofHours(14));
        ClaimScope scope = AS_DEPLOYED.claimable(0, morning, MIDNIGHT).orElseThrow();
        assertThat(scope.minPriority()).isEqualTo(VERIFIED);
    }

    @Test
    void unverifiedRegistrantsGetOnlyTheQuotaThatWouldExpireUnusedAtMidnight() {
        // 18/s for the 7 h 43 min before midnight is 500,040 calls: just more than the quota left.
        Instant late = MIDNIGHT.minusSeconds(27_780);
        assertThat(AS_DEPLOYED.claimable(0, late, MIDNIGHT).orElseThrow().minPriority()).isEqualTo(VERIFIED);
        // 60 s later the gate cannot make the 500,000 calls any more before the reset: the rest is left over.
        Instant later = MIDNIGHT.minusSeconds(27_720);
        assertThat(AS_DEPLOYED.claimable(0, later, MIDNIGHT).orElseThrow().minPriority()).isEqualTo(UNVERIFIED);
        // The more of the quota verified checks used, the later unverified ones start: with 400,000
        // used, what is left (100,000) is more than the gate's capacity only in the last 92 minutes.
        assertThat(AS_DEPLOYED.claimable(400_000, MIDNIGHT.minusSeconds(5_600), MIDNIGHT).orElseThrow().minPriority())
                .isEqualTo(VERIFIED);
        assertThat(AS_DEPLOYED.claimable(400_000, MIDNIGHT.minusSeconds(5_500), MIDNIGHT).orElseThrow().minPriority())
                .isEqualTo(UNVERIFIED);
    }

    @Test
    void whenTheRateNotTheQuotaIsScarceUnverifiedChecksRunWheneverNoVerifiedOneIsDue() {
        // 2,000,000 a day at 18/s: the gate can never use the whole quota, so nothing needs reserving.
        RegistryQuotaShare rateBound = new RegistryQuotaShare(2_000_000, 18, 1.0, Duration.ofMinutes(30));
        assertThat(rateBound.claimable(0, MIDNIGHT.minus(Duration.ofHours(24)), MIDNIGHT).orElseThrow().minPriority())
                .isEqualTo(UNVERIFIED);
    }

    @Test
    void aSmallerReserveLetsUnverifiedChecksStartEarlier() {
        RegistryQuotaShare half = new RegistryQuotaShare(500_000, 18, 0.5, Duration.ofMinutes(30));
        Instant afternoon = MIDNIGHT.minus(Duration.ofHours(15)); // 18/s x 15 h x 0.5 = 486,000 < 500,000
        assertThat(half.claimable(0, afternoon, MIDNIGHT).orElseThrow().minPriority()).isEqualTo(UNVERIFIED);
        assertThat(half.claimable(20_000, afternoon, MIDNIGHT).orElseThrow().minPriority()).isEqualTo(VERIFIED);
        RegistryQuotaShare none = new RegistryQuotaShare(500_000, 18, 0, Duration.ofMinutes(30));
        assertThat(none.claimable(499_999, MIDNIGHT.minus(Duration.ofHours(23)), MIDNIGHT).orElseThrow().minPriority())
                .isEqualTo(UNVERIFIED);
    }

    @Test
    void unverifiedRegistrationsAreCheckedOnlyOnceOldEnoughWhileVerifiedOnesAnyAge() {
        Instant now = MIDNIGHT.minusSeconds(10);
        ClaimScope scope = AS_DEPLOYED.claimable(0, now, MIDNIGHT).orElseThrow();
        assertThat(scope.agedBelow()).isEqualTo(VERIFIED);
        assertThat(scope.createdBefore()).isEqualTo(now.minus(Duration.ofMinutes(30)));
    }

    @Test
    void onceTodaysQuotaIsUsedUpOnlyContestedChecksAreClaimed() {
        short contested = NikCheckPriority.CONTESTED.value();
        assertThat(AS_DEPLOYED.claimable(500_000, MIDNIGHT.minusSeconds(10), MIDNIGHT).orElseThrow().minPriority())
                .isEqualTo(contested);
        assertThat(AS_DEPLOYED.claimable(500_001, MIDNIGHT.minus(Duration.ofHours(20)), MIDNIGHT).orElseThrow().minPriority())
                .isEqualTo(contested);
        assertThat(AS_DEPLOYED.claimable(499_999, MIDNIGHT.minus(Duration.ofHours(20)), MIDNIGHT).orElseThrow().minPriority())
                .isEqualTo(VERIFIED);
    }

    @Test
    void refusesSettingsThatMeanNothing() {
        assertThatThrownBy(() -> new RegistryQuotaShare(500_000, 18, 1.5, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegistryQuotaShare(500_000, 0, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegistryQuotaShare(500_000, 18, 1, Duration.ofMinutes(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
