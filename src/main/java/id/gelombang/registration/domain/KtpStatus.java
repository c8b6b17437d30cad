package id.gelombang.registration.domain;

public enum KtpStatus {
    MISSING, PENDING_UPLOAD, RECEIVED, REJECTED
}
