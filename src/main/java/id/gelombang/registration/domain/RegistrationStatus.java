package id.gelombang.registration.domain;

import java.util.List;

/**
 * Where a registration stands: the database's registration.status holds these names, and
 * {@code status} shows those of {@link #shown()} (a withdrawn or voided registration answers 410).
 */
public enum RegistrationStatus {
    /** Holds its place (first come) or takes part in the draw. */
    REGISTERED,
    /** The NIK check did not match: the place, NIK and family-card slot are released. */
    REJECTED,
    /** Drawn within the quota. */
    SELECTED,
    /** Drawn outside the quota. */
    NOT_SELECTED,
    /** The registrant withdrew: the places are given back and the personal data erased. */
    WITHDRAWN,
    /** An operator voided it: an identity check outside the system proved it made with someone else's NIK. */
    VOIDED;

    private static final List<RegistrationStatus> SHOWN = List.of(REGISTERED, REJECTED, SELECTED, NOT_SELECTED);

    /** The statuses a registrant or operator can be shown; the others answer 410. */
    public static List<RegistrationStatus> shown() {
        return SHOWN;
    }
}
