package id.gelombang.registration.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Limits on volume inside the application, enforced by the registration statement itself (so
 * exactly, under any concurrency) and sized so that a family sharing one address or an internet
 * café is never refused (docs/decisions/0021-bots-and-leaked-nik-lists.md; docs/wave-runbook.md). 0 turns a limit off.
 */
@ConfigMapping(prefix = "gelombang.registration.limits")
public interface RegistrationLimits {

    /**
     * Registrations per email address per wave (the address in its canonical form: case, dots of
     * Gmail, "+tags" do not make another address). A withdrawn or rejected registration gives its
     * use back. A family card allows two registrations per wave; one more leaves room for a
     * relative who shares the family's address.
     */
    @WithDefault("3")
    int perEmailPerWave();

    /**
     * Registration attempts per source (an IPv4 address, an IPv6 /64) per minute. Indonesian mobile
     * carriers put many subscribers behind one IPv4 address (carrier-grade NAT), so this is a
     * backstop against one machine's burst, far above what one busy address sends at a wave's
     * opening; the edge's per-address rule (WAF) stands in front of it.
     */
    @WithDefault("300")
    int perSourcePerMinute();
}
