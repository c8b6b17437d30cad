package id.gelombang.wave.rest;

import java.time.Instant;

import id.gelombang.wave.persistence.Wave;
import id.gelombang.wave.WaveStatus;

public record WaveView(String code, Instant opensAt, Instant closesAt, int quota, int remaining, WaveStatus status) {

    static WaveView of(Wave wave, Instant now) {
        return new WaveView(wave.code, wave.opensAt, wave.closesAt, wave.quota, wave.remaining(), wave.statusAt(now));
    }
}
