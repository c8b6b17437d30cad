package id.gelombang.registration.domain;

/**
 * Why an uploaded KTP photo was rejected, as {@code ktp.reason} and the 422's {@code reason} show it;
 * the database's registration.ktp_reason holds these names.
 */
public enum KtpRejection {
    /** The object's size is not the declared contentLength. */
    KTP_SIZE_MISMATCH,
    /** The object's SHA-256 is not the declared checksum. */
    KTP_CHECKSUM_MISMATCH,
    /** The object does not start as the declared image type does. */
    KTP_NOT_DECLARED_IMAGE_TYPE
}
