package id.gelombang.verification.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import id.gelombang.verification.domain.ContestedHold.Decision;

class ContestedHoldTest {

    private static final ContestedHold HOLD = new ContestedHold(Duration.ofMinutes(15));
    private static final Instant CONTESTED = Instant.parse("2031-03-04T03:00:00Z");

    @Test
    void aHolderThatProvedItsAddressOrWasNeverContestedIsCheckedWithTheRegistry() {
        assertThat(HOLD.decide(true, CONTESTED, false, 1, CONTESTED, CONTESTED.plusSeconds(3600))).isEqualTo(new Decision.Check());
        assertThat(HOLD.decide(false, null, false, 1, CONTESTED, CONTESTED.plusSeconds(3600))).isEqualTo(new Decision.Check());
    }

    @Test
    void anUnprovedHolderKeepsTheNikForTheGraceFromTheContestThenLosesIt() {
        Instant mailedBefore = CONTESTED.minusSeconds(600);
        assertThat(HOLD.decide(false, CONTESTED, false, 1, mailedBefore, CONTESTED.plusSeconds(899)))
                .isEqualTo(new Decision.Wait(CONTESTED.plusSeconds(900)));
        assertThat(HOLD.decide(false, CONTESTED, false, 1, mailedBefore, CONTESTED.plusSeconds(900))).isEqualTo(new Decision.Release());
    }

    @Test
    void aFirstCodeMailedAfterTheContestStartsTheGraceWhenItIsMailed() {
        Instant mailed = CONTESTED.plusSeconds(300);
        assertThat(HOLD.decide(false, CONTESTED, false, 1, null, CONTESTED.plusSeconds(200)))
                .isEqualTo(new Decision.Wait(CONTESTED.plusSeconds(200 + 900)));
        assertThat(HOLD.decide(false, CONTESTED, false, 1, mailed, mailed.plusSeconds(899))).isEqualTo(new Decision.Wait(mailed.plusSeconds(900)));
        assertThat(HOLD.decide(false, CONTESTED, false, 1, mailed, mailed.plusSeconds(900))).isEqualTo(new Decision.Release());
    }

    @Test
    void aFirstCodeThatNeverLeavesTheQueueKeepsTheNikNoLongerThanTwiceTheGrace() {
        assertThat(HOLD.decide(false, CONTESTED, false, 1, null, CONTESTED.plusSeconds(1500)))
                .isEqualTo(new Decision.Wait(CONTESTED.plusSeconds(1800)));
        assertThat(HOLD.decide(false, CONTESTED, false, 1, null, CONTESTED.plusSeconds(1800))).isEqualTo(new Decision.Release());
        Instant mailedLate = CONTESTED.plusSeconds(1700);
        assertThat(HOLD.decide(false, CONTESTED, false, 1, mailedLate, mailedLate.plusSeconds(60)))
                .isEqualTo(new Decision.Wait(CONTESTED.plusSeconds(1800)));
    }

    @Test
    void resentCodesAndBouncedAddressesDoNotExtendTheGrace() {
        Instant resent = CONTESTED.plusSeconds(840);
        assertThat(HOLD.decide(false, CONTESTED, false, 4, resent, CONTESTED.plusSeconds(900))).isEqualTo(new Decision.Release());
        assertThat(HOLD.decide(false, CONTESTED, true, 1, null, CONTESTED.plusSeconds(900))).isEqualTo(new Decision.Release());
    }

    @Test
    void refusesANegativeGrace() {
        assertThatThrownBy(() -> new ContestedHold(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
