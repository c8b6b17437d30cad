package id.gelombang.wave.admin;

import java.time.Instant;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import id.gelombang.wave.FunnelStage;

/** A wave's funnel: how many registrants reached each stage, as of a moment. */
public record FunnelView(String code, WaveCounts counts, Instant asOf) {

    public record WaveCounts(int quota, int registered,
            @Schema(nullable = true, description = "Places left in a FIRST_COME wave; null for a DRAW wave") Integer remaining,
            long ktpReceived, long ktpRejected,
            long emailVerified, long emailUndeliverable, long nikVerified, long nikRejected, long nikCheckFailed, long withdrawn) {

        static WaveCounts of(int quota, int registered, Integer remaining, Map<FunnelStage, Long> stages) {
            return new WaveCounts(quota, registered, remaining,
                    stages.get(FunnelStage.KTP_RECEIVED), stages.get(FunnelStage.KTP_REJECTED),
                    stages.get(FunnelStage.EMAIL_VERIFIED), stages.get(FunnelStage.EMAIL_UNDELIVERABLE),
                    stages.get(FunnelStage.NIK_VERIFIED), stages.get(FunnelStage.NIK_REJECTED),
                    stages.get(FunnelStage.NIK_CHECK_FAILED), stages.get(FunnelStage.WITHDRAWN));
        }
    }
}
