package id.gelombang.verification.service;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.verification.persistence.OutboundGate.Reservation;

/**
 * The one pace and daily quota of outgoing mail, shared by every kind of email. Codes (email codes,
 * access codes) queue for the next slot; outcome notices yield: they take a slot only when the
 * gate is free at that moment, and only within their share of the day's quota, so a code is never
 * queued behind notices and the day's last mails are always left to codes.
 */
@ApplicationScoped
public class EmailGate {

    public static final String NAME = "email";

    private final OutboundPacer pacer;
    private final VerificationConfig.Email config;

    public EmailGate(OutboundPacer pacer, VerificationConfig config) {
        this.pacer = pacer;
        this.config = config.email();
        if (!(this.config.noticeShare() > 0 && this.config.noticeShare() <= 1)) {
            throw new IllegalStateException("gelombang.verification.email.notice-share must be above 0 and at most 1");
        }
    }

    /** Waits for a code's slot; false when today's quota is used up. */
    public boolean awaitForCode() {
        return pacer.awaitSlot(NAME, config.ratePerSecond(), config.dailyQuota());
    }

    /** A notice's slot, if the gate is free now and the notices' share of today's quota is not used up. */
    public Reservation forNotice() {
        return pacer.slotIfFree(NAME, config.ratePerSecond(), noticeQuota());
    }

    /** How many of a day's mails notices may use. */
    int noticeQuota() {
        return (int) Math.floor(config.dailyQuota() * config.noticeShare());
    }

    public Instant quotaResetsAt() {
        return pacer.quotaResetsAt();
    }
}
