package id.gelombang.wave;

/** How a wave chooses its participants. */
public enum WaveSelection {
    /** The quota caps registrations; places go in order of arrival. */
    FIRST_COME,
    /** Every eligible registration is taken while open; a published, verifiable draw selects {@code quota} after the close. */
    DRAW
}
