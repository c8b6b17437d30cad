package id.gelombang.common.funnel;

/** Stages of the registration funnel counted per wave (besides "registered", which is the wave's own count). */
public enum FunnelStage {
    KTP_RECEIVED, KTP_REJECTED,
    EMAIL_VERIFIED,
    /** The email code could not be delivered (address refused, or every retry failed). */
    EMAIL_UNDELIVERABLE,
    NIK_VERIFIED, NIK_REJECTED,
    /** The NIK check ran out of retries without an answer from the registry. */
    NIK_CHECK_FAILED,
    /** The registrant withdrew and the personal data was erased. */
    WITHDRAWN,
    /** An operator voided the registration: an identity check outside the system proved it made with someone else's NIK. */
    VOIDED
}
