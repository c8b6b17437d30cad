package id.gelombang.wave.admin;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import id.gelombang.common.web.OmitRatherThanNull;

/**
 * Body of POST /v1/admin/waves; householdLimit defaults to 2 (from 2021, two per family card),
 * selection to FIRST_COME, drawRequiresVerifiedNik and notifyNotSelected to false, retentionDays to 90
 * and retentionScope to NOT_SELECTED. Limits: WaveDocumentation, from WaveRules.
 */
public record WaveDefinition(String code, Instant opensAt,
        @Schema(description = "After opensAt, and in the future") Instant closesAt,
        @Schema(description = "FIRST_COME: a cap on registrations, taken in order. DRAW: the number the draw selects after the close.")
        Integer quota,
        @OmitRatherThanNull Integer householdLimit,
        @Schema(defaultValue = "FIRST_COME",
                description = "How the wave selects: first come, first served, or a verifiable draw after the close")
        @OmitRatherThanNull String selection,
        @Schema(defaultValue = "false", description = "DRAW only: only registrations whose NIK check is VERIFIED take part in the draw")
        @OmitRatherThanNull Boolean drawRequiresVerifiedNik,
        @Schema(defaultValue = "false", description = "DRAW only: NOT_SELECTED registrants are emailed a notice of the draw too "
                + "(SELECTED ones always are)")
        @OmitRatherThanNull Boolean notifyNotSelected,
        @Schema(description = "DRAW only: the lower-case hex SHA-256 of a 32-byte seed generated outside the system "
                + "(docs/wave-runbook.md). The draw then takes that seed in its body and refuses one that does not "
                + "hash to this (422 seed-mismatch). Without it the system generates the seed.")
        @OmitRatherThanNull String drawCommitment,
        @Schema(description = "Days after the close until personal data is erased", defaultValue = "90")
        @OmitRatherThanNull Integer retentionDays,
        @Schema(description = "Whose personal data retention erases", defaultValue = "NOT_SELECTED")
        @OmitRatherThanNull String retentionScope) {
}
