package id.gelombang.wave.admin;

import java.time.Instant;

import id.gelombang.wave.RetentionScope;
import id.gelombang.wave.WaveStatus;
import id.gelombang.wave.persistence.Wave;

public record OperatorWaveView(String code, Instant opensAt, Instant closesAt, int quota, int registered, int remaining,
        int householdLimit, WaveStatus status, int retentionDays, RetentionScope retentionScope) {

    static OperatorWaveView of(Wave wave, Instant now) {
        return new OperatorWaveView(wave.code, wave.opensAt, wave.closesAt, wave.quota, wave.registeredCount,
                wave.remaining(), wave.householdLimit, wave.statusAt(now), wave.retentionDays, wave.retentionScope);
    }
}
