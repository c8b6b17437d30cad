package id.gelombang.verification.domain;

import java.util.Arrays;
import java.util.List;

/**
 * The outside work a registration needs. Each outside service is drained by its own worker at its
 * own rate; the kinds that share a service are taken in the order declared here, so an email code
 * is never queued behind an access code, nor either behind an outcome notice.
 */
public enum JobKind {
    /** Mail the registrant's current email code. */
    EMAIL_CODE(Outbound.EMAIL),
    /** Mail the access code a registrant asked for to come back to their registration. */
    ACCESS_CODE(Outbound.EMAIL),
    /** Tell the registrant that their registration's outcome was decided (NIK rejected, drawn). */
    OUTCOME_NOTICE(Outbound.EMAIL),
    /** Ask the civil registry (Dukcapil) whether the NIK and the registrant's details match. */
    NIK_CHECK(Outbound.DUKCAPIL);

    /** The outside service a kind's work goes to, whose pace and quota it shares. */
    public enum Outbound {
        EMAIL, DUKCAPIL
    }

    private final Outbound outbound;

    JobKind(Outbound outbound) {
        this.outbound = outbound;
    }

    public Outbound outbound() {
        return outbound;
    }

    /** Every kind drained with this one (its outside service's), highest priority first. */
    public List<JobKind> sameOutbound() {
        return Arrays.stream(values()).filter(kind -> kind.outbound == outbound).toList();
    }

    /** The kind a worker of this service is named after: the first of them. */
    public static JobKind leaderOf(Outbound outbound) {
        return Arrays.stream(values()).filter(kind -> kind.outbound == outbound).findFirst().orElseThrow();
    }
}
