package id.gelombang.wave.admin;

import java.time.Instant;

/** Body of POST /v1/admin/waves; householdLimit defaults to 2 (from 2021, two per family card). */
public record WaveDefinition(String code, Instant opensAt, Instant closesAt, Integer quota, Integer householdLimit) {
}
