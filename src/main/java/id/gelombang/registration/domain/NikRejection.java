package id.gelombang.registration.domain;

/**
 * Why a NIK check ended REJECTED, as {@code nikVerification.reason} shows it; the database's
 * registration.nik_reason holds these names.
 */
public enum NikRejection {
    /** The NIK exists, but the name, birth date or sex declared do not match it. */
    NIK_DATA_MISMATCH,
    /** The registry has no such NIK. */
    NIK_NOT_FOUND,
    /** The registry holds the NIK as inactive (for example, the record was deactivated). */
    NIK_INACTIVE,
    /** The registry kept refusing the check, or it could not be made: the registrant may register again. */
    NIK_NOT_CHECKABLE,
    /**
     * Someone else asked for the NIK and the registration did not prove its email address in the
     * contest's grace: released without a registry check. Its registrant may register again.
     */
    EMAIL_UNPROVEN_WHEN_CONTESTED
}
