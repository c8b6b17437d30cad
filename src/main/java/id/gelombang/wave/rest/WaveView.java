package id.gelombang.wave.rest;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import id.gelombang.wave.WaveSelection;
import id.gelombang.wave.WaveStatus;
import id.gelombang.wave.persistence.Wave;

public record WaveView(String code, Instant opensAt, Instant closesAt,
        @Schema(description = "FIRST_COME: the cap on registrations. DRAW: the number the draw selects after the close.")
        int quota,
        @Schema(nullable = true, description = "Places left in a FIRST_COME wave; null for a DRAW wave, which takes every eligible registration")
        Integer remaining,
        WaveStatus status,
        WaveSelection selection,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "DRAW only: hex SHA-256 of the draw's secret seed, fixed when the wave was created; "
                + "GET /v1/waves/{code}/draw reveals the seed after the draw")
        String drawCommitment) {

    static WaveView of(Wave wave, Instant now) {
        return new WaveView(wave.code, wave.opensAt, wave.closesAt, wave.quota, wave.remaining(), wave.statusAt(now),
                wave.selection(), wave.drawCommitment);
    }
}
