package id.gelombang.wave.admin;

import java.time.Instant;

/** A wave's funnel: how many registrants reached each stage, as of a moment. */
public record FunnelView(String code, WaveCounts counts, Instant asOf) {

    public record WaveCounts(int quota, int registered, int remaining, long ktpReceived, long ktpRejected) {
    }
}
