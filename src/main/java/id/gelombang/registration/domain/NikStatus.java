package id.gelombang.registration.domain;

/** Where a registration's NIK check stands, as the registrant sees it ({@code nikVerification.status}). */
public enum NikStatus {
    PENDING, VERIFIED, REJECTED
}
