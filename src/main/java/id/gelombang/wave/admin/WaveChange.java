package id.gelombang.wave.admin;

import java.time.Instant;

/** Body of PATCH /v1/admin/waves/{code}: only the fields present change. */
public record WaveChange(Instant opensAt, Instant closesAt, Integer quota, Integer householdLimit) {
}
