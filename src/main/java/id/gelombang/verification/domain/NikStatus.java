package id.gelombang.verification.domain;

/** Where a registration's NIK check stands, as the registrant sees it ({@code nikVerification.status}). */
public enum NikStatus {
    PENDING, VERIFIED, REJECTED
}
