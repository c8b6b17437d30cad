package id.gelombang.wave;

/**
 * Whose personal data the retention job erases once a wave's retention period has passed.
 * See docs/wave-runbook.md ("Retention") for the exact rule.
 */
public enum RetentionScope {
    /**
     * Everyone except the registrants the programme goes on with: registrations the draw
     * SELECTED, and in first-come waves those still holding their place (REGISTERED, not released).
     */
    NOT_SELECTED,
    /** Every registration of the wave. */
    ALL
}
