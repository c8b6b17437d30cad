package id.gelombang.verification.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import id.gelombang.wave.draw.WaveDraw;

/** When the notice of a draw's verdict, met before the draw is published, goes. */
class OutcomeNoticeHandlerTest {

    private static final Instant NOW = Instant.parse("2026-04-16T01:00:00Z");

    @Test
    void whileACallMakesTheDrawItsNoticeWaitsUntilThatCallHasPublishedItOrNeverWill() {
        Instant runningUntil = NOW.plus(Duration.ofMinutes(12));

        assertThat(OutcomeNoticeHandler.untilPublished(null, runningUntil, NOW)).isEqualTo(WaveDraw.publishedBy(runningUntil))
                .isAfter(runningUntil);
    }

    @Test
    void aCallPastItsTimeLimitMayStillBeCommittingItsPublication() {
        Instant runningUntil = NOW.minusSeconds(5);

        assertThat(OutcomeNoticeHandler.untilPublished(null, runningUntil, NOW)).isEqualTo(WaveDraw.publishedBy(runningUntil));
    }

    @Test
    void aDrawNoCallIsMakingIsNotPublishedByAnyoneAndItsNoticeIsDropped() {
        assertThat(OutcomeNoticeHandler.untilPublished(null, null, NOW)).as("the call stopped and cleared its mark").isNull();
        assertThat(OutcomeNoticeHandler.untilPublished(null, NOW.minus(Duration.ofMinutes(2)), NOW))
                .as("the call died past its time limit").isNull();
    }

    @Test
    void aDrawPublishedSinceTheVerdictWasReadIsToldAtOnce() {
        assertThat(OutcomeNoticeHandler.untilPublished(NOW.minusMillis(1), null, NOW)).isEqualTo(NOW);
    }
}
