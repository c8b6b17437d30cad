package id.gelombang.wave.admin;

import java.time.Instant;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import id.gelombang.common.funnel.FunnelStage;

/** A wave's funnel: how many registrants reached each stage, as of a moment. */
public record FunnelView(String code, WaveCounts counts, Instant asOf) {

    public record WaveCounts(int quota, int registered,
            @Schema(nullable = true, description = "Places left in a FIRST_COME wave; null for a DRAW wave") Integer remaining,
            long ktpReceived, long ktpRejected,
            long emailVerified, long emailUndeliverable, long nikVerified, long nikRejected, long nikCheckFailed, long withdrawn,
            @Schema(description = "Registrations an operator voided after an identity check proved them made with someone else's NIK")
            long voided,
            @Schema(description = "NIK checks due now of registrants who verified their email: the registry's quota serves these first")
            long nikChecksDueEmailVerified,
            @Schema(description = "NIK checks due now of registrants who have not verified their email: checked only from quota "
                    + "left over (docs/verification.md)")
            long nikChecksDueEmailUnverified,
            @Schema(description = "Open NIK checks whose last attempt found the registry down (no answer, 5xx, throttled, "
                    + "circuit open): they wait for it, retrying with capped backoff, however long it is down")
            long nikChecksWaitingOnRegistry) {

        static WaveCounts of(int quota, int registered, Integer remaining, Map<FunnelStage, Long> stages,
                VerificationQueues.NikChecksDue nikChecksDue) {
            return new WaveCounts(quota, registered, remaining,
                    stages.get(FunnelStage.KTP_RECEIVED), stages.get(FunnelStage.KTP_REJECTED),
                    stages.get(FunnelStage.EMAIL_VERIFIED), stages.get(FunnelStage.EMAIL_UNDELIVERABLE),
                    stages.get(FunnelStage.NIK_VERIFIED), stages.get(FunnelStage.NIK_REJECTED),
                    stages.get(FunnelStage.NIK_CHECK_FAILED), stages.get(FunnelStage.WITHDRAWN), stages.get(FunnelStage.VOIDED),
                    nikChecksDue.emailVerified(), nikChecksDue.emailUnverified(), nikChecksDue.waitingOnRegistry());
        }
    }
}
