package id.gelombang.common.audit;

/** What an operator did; the name is what operator_audit.action holds. */
public enum OperatorAction {
    CREATE_WAVE, CHANGE_WAVE, CLOSE_WAVE, DRAW,
    /**
     * A registration voided after an identity check outside the system proved it made with someone
     * else's NIK (details: the registration's id and the check's case reference; never the NIK).
     */
    VOID_REGISTRATION,
    /** The retention job erased personal data of a wave (actor "retention-job"; details: counts only). */
    RETENTION_RUN,
    /**
     * Support gave a registrant who lost their mailbox a new address and sent the access code there,
     * after checking their identity outside the system (details: registration id and ticket, no address).
     */
    RECOVER_ACCESS
}
