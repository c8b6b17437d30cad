package id.gelombang.verification.service;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.verification.VerificationConfig;
import id.gelombang.verification.persistence.OutboundGate.Reservation;

/**
 * The one pace and daily quota of outgoing mail, shared by every kind of email. Codes (email codes,
 * access codes) queue for the next slot, access codes within a share of the day's quota of their
 * own; outcome notices yield: they take a slot only when the
 * gate is free at that moment, and only within their share of the day's quota, so a code is never
 * queued behind notices and the day's last mails are always left to codes.
 */
@ApplicationScoped
public class EmailGate {

    public static final String NAME = "email";
    /** Access codes' own count of the day, beside the shared one. */
    public static final String ACCESS_CODES = "email-access-codes";

    private final OutboundPacer pacer;
    private final VerificationConfig.Email config;

    public EmailGate(OutboundPacer pacer, VerificationConfig config) {
        this.pacer = pacer;
        this.config = config.email();
        if (!(this.config.noticeShare() > 0 && this.config.noticeShare() <= 1)) {
            throw new IllegalStateException("gelombang.verification.email.notice-share must be above 0 and at most 1");
        }
        if (!(this.config.accessCodeShare() > 0 && this.config.accessCodeShare() <= 1)) {
            throw new IllegalStateException("gelombang.verification.email.access-code-share must be above 0 and at most 1");
        }
    }

    /** Waits for a code's slot; false when today's quota is used up. */
    public boolean awaitForCode() {
        return pacer.awaitSlot(NAME, config.ratePerSecond(), config.dailyQuota());
    }

    /**
     * Waits for an access code's slot: one of access codes' own share of the day's quota, then one
     * of the shared pace. False when either is used up today.
     */
    public boolean awaitForAccessCode() {
        return pacer.awaitSlot(ACCESS_CODES, config.ratePerSecond(), accessCodeQuota()) && awaitForCode();
    }

    /** How many of a day's mails access codes may use. */
    int accessCodeQuota() {
        return (int) Math.floor(config.dailyQuota() * config.accessCodeShare());
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
