package id.gelombang.registration.domain;

import id.gelombang.common.funnel.FunnelStage;

public enum KtpStatus {
    MISSING, PENDING_UPLOAD, RECEIVED, REJECTED;

    /** The funnel stage this status counts towards, or null when it is not counted. */
    public FunnelStage funnelStage() {
        return switch (this) {
            case RECEIVED -> FunnelStage.KTP_RECEIVED;
            case REJECTED -> FunnelStage.KTP_REJECTED;
            case MISSING, PENDING_UPLOAD -> null;
        };
    }
}
