package id.gelombang.registration.service;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.domain.EmailAddress;
import id.gelombang.registration.persistence.Registration;
import id.gelombang.registration.persistence.RegistrationStore;
import io.smallrye.mutiny.Uni;

/**
 * The uses of an email address in a wave, which {@link RegistrationLimits#perEmailPerWave()} bounds:
 * counted by the registration statement under the address's canonical form, and moved with the
 * address when a registration gets a new one, so that a bot cannot register with throwaway addresses
 * and then point every registration at the one mailbox it reads.
 */
@ApplicationScoped
public class EmailUses {

    /** Purpose of the keyed digest the uses are counted under (PersonalDataProtection.lookupDigest). */
    public static final String PURPOSE = "email-per-wave";

    private final PersonalDataProtection protection;
    private final RegistrationStore store;
    private final RegistrationLimits limits;

    public EmailUses(PersonalDataProtection protection, RegistrationStore store, RegistrationLimits limits) {
        this.protection = protection;
        this.store = store;
        this.limits = limits;
    }

    /** The digest the address's uses are counted under; null when the limit is off. */
    public byte[] digest(String address) {
        return limits.perEmailPerWave() > 0 ? protection.lookupDigest(PURPOSE, EmailAddress.canonical(address)) : null;
    }

    /**
     * Moves the registration's use to {@code address} (the registration row locked by the caller):
     * 409 email-limit, and nothing changed, when that address already serves as many registrations
     * of the wave as the limit allows. A released registration holds no use, and moves none.
     */
    public Uni<Void> moveTo(Registration registration, String address) {
        return move(registration, address, limits.perEmailPerWave());
    }

    /**
     * As {@link #moveTo}, past the limit: for the help desk, whose operator has checked the person's
     * identity (an audited recovery); the address's count still follows, so later registrations see it.
     */
    public Uni<Void> moveToPastTheLimit(Registration registration, String address) {
        return move(registration, address, Integer.MAX_VALUE);
    }

    private Uni<Void> move(Registration registration, String address, int limit) {
        byte[] digest = digest(address);
        if (digest == null) {
            return Uni.createFrom().voidItem();
        }
        return store.moveEmailUse(registration.id, digest, limit).invoke(moved -> {
            if (!moved) {
                throw ProblemType.EMAIL_LIMIT.exception("This email address is already used by " + limits.perEmailPerWave()
                        + " registrations in this wave, the most it allows. Use your own address.");
            }
        }).replaceWithVoid();
    }
}
