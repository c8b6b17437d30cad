package id.gelombang.wave.admin;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import id.gelombang.common.web.OmitRatherThanNull;

/**
 * Body of PATCH /v1/admin/waves/{code}: only the fields present change. The retention settings
 * can change after the close too; the rest only while the wave has not closed, and the schedule
 * they make must hold as on creation. Limits: WaveDocumentation, from WaveRules.
 */
public record WaveChange(@OmitRatherThanNull Instant opensAt, @OmitRatherThanNull Instant closesAt,
        @OmitRatherThanNull Integer quota, @OmitRatherThanNull Integer householdLimit,
        @OmitRatherThanNull @Schema(description = "Days after the close until personal data is erased") Integer retentionDays,
        @OmitRatherThanNull @Schema(description = "Whose personal data retention erases") String retentionScope) {

    boolean changesSchedule() {
        return opensAt != null || closesAt != null || quota != null || householdLimit != null;
    }
}
