package id.gelombang.wave.admin;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import id.gelombang.wave.RetentionScope;
import id.gelombang.wave.WaveSelection;
import id.gelombang.wave.WaveStatus;
import id.gelombang.wave.persistence.Wave;

/** The operator's view of a wave; the draw fields are there for DRAW waves only. */
public record OperatorWaveView(String code, Instant opensAt, Instant closesAt, int quota, int registered,
        @Schema(nullable = true, description = "Places left in a FIRST_COME wave; null for a DRAW wave") Integer remaining,
        int householdLimit, WaveStatus status, WaveSelection selection,
        @JsonInclude(JsonInclude.Include.NON_NULL) String drawCommitment,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean drawRequiresVerifiedNik,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean notifyNotSelected,
        @JsonInclude(JsonInclude.Include.NON_NULL) Draw draw,
        int retentionDays, RetentionScope retentionScope) {

    /** The draw once made: when, and how many were eligible and selected. */
    public record Draw(Instant drawnAt, int eligible, int selected) {
    }

    static OperatorWaveView of(Wave wave, Instant now) {
        boolean isDraw = wave.isDraw();
        Draw draw = wave.drawnAt == null ? null : new Draw(wave.drawnAt, wave.drawEligible, wave.drawSelected);
        return new OperatorWaveView(wave.code, wave.opensAt, wave.closesAt, wave.quota, wave.registeredCount,
                wave.remaining(), wave.householdLimit, wave.statusAt(now), wave.selection(),
                isDraw ? wave.drawCommitment : null, isDraw ? wave.drawRequiresVerifiedNik : null,
                isDraw ? wave.notifyNotSelected : null, draw,
                wave.retentionDays, wave.retentionScope);
    }
}
