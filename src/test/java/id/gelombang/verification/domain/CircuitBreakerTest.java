package id.gelombang.verification.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final MutableClock clock = new MutableClock();
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), clock);

    @Test
    void staysClosedBelowTheThresholdAndASuccessStartsTheCountAgain() {
        breaker.failed();
        breaker.failed();
        breaker.succeeded();
        breaker.failed();
        breaker.failed();
        assertThat(breaker.allowsCall()).isTrue();
        assertThat(breaker.openUntil()).isEmpty();
    }

    @Test
    void opensAfterThresholdFailuresInARowAndRefusesUntilTheOpenTimeHasPassed() {
        failTimes(3);
        assertThat(breaker.allowsCall()).isFalse();
        assertThat(breaker.openUntil()).contains(clock.instant().plusSeconds(30));
        clock.advance(Duration.ofSeconds(29));
        assertThat(breaker.allowsCall()).isFalse();
    }

    @Test
    void afterTheOpenTimeLetsOneTrialThroughWhoseSuccessCloses() {
        failTimes(3);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.allowsCall()).as("trial").isTrue();
        assertThat(breaker.allowsCall()).as("second caller while the trial runs").isFalse();
        breaker.succeeded();
        assertThat(breaker.allowsCall()).isTrue();
        assertThat(breaker.openUntil()).isEmpty();
    }

    @Test
    void aFailedTrialOpensTheCircuitAgainForTheFullTime() {
        failTimes(3);
        clock.advance(Duration.ofSeconds(31));
        assertThat(breaker.allowsCall()).isTrue();
        breaker.failed();
        assertThat(breaker.allowsCall()).isFalse();
        assertThat(breaker.openUntil()).contains(clock.instant().plusSeconds(30));
    }

    private void failTimes(int n) {
        for (int i = 0; i < n; i++) {
            assertThat(breaker.allowsCall()).isTrue();
            breaker.failed();
        }
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-04-11T09:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
