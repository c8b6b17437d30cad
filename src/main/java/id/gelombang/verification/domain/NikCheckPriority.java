package id.gelombang.verification.domain;

/**
 * The classes of NIK checks, in the order the registry's quota serves them: a higher value is
 * claimed first ({@code verification_job.priority}, ordered by the claim and its index). The
 * statement that learns a fact raises the priority of the registration's open check; nothing
 * lowers it. Gaps are left on purpose, so that a new class slots in without renumbering.
 */
public enum NikCheckPriority {
    /** The registrant has not proved an email address: checked only from quota left over ({@link RegistryQuotaShare}). */
    EMAIL_UNVERIFIED((short) 0),
    /** The registrant typed the code mailed to their address: checked first, from the whole quota. */
    EMAIL_VERIFIED((short) 10),
    /**
     * Someone else was refused for this NIK (409 /duplicate-registration): the holder's check comes
     * first, whatever its email, so a squatter keeps an owner out only until the registry answers.
     * Raised by the registration statement itself (V15). Also a check queued for a NIK the registry
     * already rejected in the same wave (the NIK registered again after a rejection), set when the
     * check is queued (V17's trigger on verification_job).
     */
    CONTESTED((short) 20);

    private final short value;

    NikCheckPriority(short value) {
        this.value = value;
    }

    /** The value stored in {@code verification_job.priority} (the column's default is {@link #EMAIL_UNVERIFIED}'s). */
    public short value() {
        return value;
    }
}
