package id.gelombang.verification.domain;

/** The outside work a registration needs; each kind is drained by its own worker at its own rate. */
public enum JobKind {
    /** Mail the registrant's current email code. */
    EMAIL_CODE,
    /** Ask the civil registry (Dukcapil) whether the NIK and the registrant's details match. */
    NIK_CHECK
}
