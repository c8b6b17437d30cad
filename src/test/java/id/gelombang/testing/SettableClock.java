package id.gelombang.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The application's clock for tests that must stand at another moment (before any wave opens,
 * after every wave closed). Enabled only by the test profiles that name it; the system clock until
 * a test sets it.
 */
@Alternative
@Singleton
public class SettableClock extends Clock {

    private static volatile Instant now;

    /** Stops the clock at {@code instant}; null lets it run with the system clock again. */
    public static void setTo(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        Instant fixed = now;
        return fixed != null ? fixed : Instant.now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
