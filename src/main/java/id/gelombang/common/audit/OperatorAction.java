package id.gelombang.common.audit;

/** What an operator did; the name is what operator_audit.action holds. */
public enum OperatorAction {
    CREATE_WAVE, CHANGE_WAVE, CLOSE_WAVE, DRAW,
    /** The retention job erased personal data of a wave (actor "retention-job"; details: counts only). */
    RETENTION_RUN
}
