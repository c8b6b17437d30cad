package id.gelombang.verification.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import id.gelombang.verification.domain.EmailCodeRules.CodeState;
import id.gelombang.verification.domain.EmailCodeRules.Verdict;

class EmailCodeRulesTest {

    private static final Instant SENT = Instant.parse("2026-04-11T09:00:00Z");
    private static final CodeState FRESH = new CodeState(SENT, null, 0, null);

    @Test
    void theRightCodeWorksWithinTenMinutesOfBeingSent() {
        assertThat(EmailCodeRules.verdict(FRESH, true, SENT.plusSeconds(599))).isEqualTo(Verdict.ACCEPTED);
        assertThat(EmailCodeRules.verdict(FRESH, true, SENT.plusSeconds(600))).isEqualTo(Verdict.REJECTED);
        assertThat(EmailCodeRules.verdict(FRESH, false, SENT.plusSeconds(1))).isEqualTo(Verdict.REJECTED);
    }

    @Test
    void aCodeNotYetSentOrAlreadyUsedDoesNotWork() {
        CodeState unsent = new CodeState(null, null, 0, null);
        CodeState used = new CodeState(SENT, SENT.plusSeconds(5), 0, null);
        assertThat(EmailCodeRules.verdict(unsent, true, SENT)).isEqualTo(Verdict.REJECTED);
        assertThat(EmailCodeRules.verdict(used, true, SENT.plusSeconds(6))).isEqualTo(Verdict.REJECTED);
    }

    @Test
    void aLockRefusesEvenTheRightCodeUntilItEndsAndThenTheCountStartsAgain() {
        Instant lockedUntil = SENT.plus(EmailCodeRules.LOCKOUT);
        CodeState locked = new CodeState(SENT, null, 5, lockedUntil);
        assertThat(EmailCodeRules.verdict(locked, true, SENT.plusSeconds(10))).isEqualTo(Verdict.LOCKED);
        assertThat(EmailCodeRules.wrongAttemptsBefore(locked, SENT.plusSeconds(10))).isEqualTo(5);
        assertThat(EmailCodeRules.verdict(locked, true, lockedUntil)).isNotEqualTo(Verdict.LOCKED);
        assertThat(EmailCodeRules.wrongAttemptsBefore(locked, lockedUntil)).isZero();
    }

    @Test
    void onlySixDigitsLookLikeACode() {
        assertThat(EmailCodeRules.looksLikeCode("012345")).isTrue();
        assertThat(EmailCodeRules.looksLikeCode("12345")).isFalse();
        assertThat(EmailCodeRules.looksLikeCode("1234567")).isFalse();
        assertThat(EmailCodeRules.looksLikeCode("12a456")).isFalse();
        assertThat(EmailCodeRules.looksLikeCode("１２３４５６")).isFalse();
        assertThat(EmailCodeRules.looksLikeCode(null)).isFalse();
    }
}
