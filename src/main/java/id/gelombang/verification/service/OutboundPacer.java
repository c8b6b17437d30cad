package id.gelombang.verification.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.verification.VerificationConfig;
import id.gelombang.verification.persistence.OutboundGate;
import id.gelombang.verification.persistence.OutboundGate.Reservation;

/**
 * Holds a worker back until the outside service may be called again, across every worker
 * instance: the slot comes from the shared {@link OutboundGate} row. Daily quotas reset at
 * midnight in Jakarta.
 */
@ApplicationScoped
public class OutboundPacer {

    static final ZoneId QUOTA_ZONE = ZoneId.of("Asia/Jakarta");

    private final OutboundGate gate;
    private final VerificationConfig config;
    private final Clock clock;

    public OutboundPacer(OutboundGate gate, VerificationConfig config, Clock clock) {
        this.gate = gate;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Waits for this caller's slot and returns true, or returns false at once when today's quota
     * is used up.
     */
    public boolean awaitSlot(String service, double ratePerSecond, int dailyQuota) {
        Instant now = clock.instant();
        Duration interval = interval(ratePerSecond);
        LocalDate today = LocalDate.ofInstant(now, QUOTA_ZONE);
        Instant slot = Blocking.await(() -> gate.reserve(service, interval, dailyQuota, today, now));
        if (slot == null) {
            return false;
        }
        Blocking.pause(Duration.between(clock.instant(), slot));
        return true;
    }

    /** Calls made today against the service's daily quota, across every worker. */
    public int usedToday(String service) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), QUOTA_ZONE);
        return Blocking.await(() -> gate.usedToday(service, today));
    }

    /** The pace the gate holds a service to: its agreed rate less the pacing margin. */
    public double pacedPerSecond(double ratePerSecond) {
        return ratePerSecond * (1 - config.pacingMargin());
    }

    /**
     * A slot for work that yields to every other caller of the service: granted only when the
     * service may be called right now and fewer than {@code quota} calls were made today; never
     * waits. {@link Reservation.Busy} says when to look again.
     */
    public Reservation slotIfFree(String service, double ratePerSecond, int quota) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, QUOTA_ZONE);
        return Blocking.await(() -> gate.reserveIfFree(service, interval(ratePerSecond), quota, today, now));
    }

    private Duration interval(double ratePerSecond) {
        return Duration.ofNanos((long) (1e9 / pacedPerSecond(ratePerSecond)));
    }

    /** When used-up daily quotas are given again. */
    public Instant quotaResetsAt() {
        return LocalDate.ofInstant(clock.instant(), QUOTA_ZONE).plusDays(1).atStartOfDay(QUOTA_ZONE).toInstant();
    }
}
