package id.gelombang.wave.admin;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of POST /v1/admin/waves; householdLimit defaults to 2 (from 2021, two per family card),
 * retentionDays to 90 and retentionScope to NOT_SELECTED.
 */
public record WaveDefinition(String code, Instant opensAt, Instant closesAt, Integer quota, Integer householdLimit,
        @Schema(description = "Days after the close until personal data is erased (1-730)", defaultValue = "90")
        Integer retentionDays,
        @Schema(description = "Whose personal data retention erases", enumeration = { "NOT_SELECTED", "ALL" },
                defaultValue = "NOT_SELECTED")
        String retentionScope) {
}
