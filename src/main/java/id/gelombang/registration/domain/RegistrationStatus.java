package id.gelombang.registration.domain;

/**
 * Where a registration stands, as {@code status} shows it; the database's registration.status
 * holds these names (and WITHDRAWN, which no registrant sees: a withdrawn registration answers 410).
 */
public enum RegistrationStatus {
    /** Holds its place (first come) or takes part in the draw. */
    REGISTERED,
    /** The NIK check did not match: the place, NIK and family-card slot are released. */
    REJECTED,
    /** Drawn within the quota. */
    SELECTED,
    /** Drawn outside the quota. */
    NOT_SELECTED
}
