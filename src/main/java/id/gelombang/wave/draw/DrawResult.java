package id.gelombang.wave.draw;

import java.util.HexFormat;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A wave's draw, as published: anyone can check SHA-256(seed) against the commitment and recompute ranks. */
@RegisterForReflection
@Schema(description = "A wave's draw: the revealed seed (hex), the commitment published while the wave was open, "
        + "and how many registrations were eligible and selected. A registration's rank is the hex SHA-256 of the "
        + "seed bytes followed by its id (canonical lowercase text) in UTF-8; the quota lowest ranks are selected.")
public record DrawResult(
        String code,
        @Schema(pattern = "^[0-9a-f]{64}$", description = "The 32-byte seed, lower-case hex") String seed,
        @Schema(pattern = "^[0-9a-f]{64}$", description = "SHA-256 of the seed, published while the wave was open") String drawCommitment,
        int eligible,
        int selected,
        @JsonInclude(JsonInclude.Include.ALWAYS)
        @Schema(pattern = "^[0-9a-f]{64}$", nullable = true, description = "The highest selected rank: an eligible "
                + "registration is SELECTED exactly when its rank is at most this. Null when every eligible registration "
                + "is selected.") String cutoffRank,
        @JsonInclude(JsonInclude.Include.ALWAYS)
        @Schema(nullable = true, description = "Public file (text/csv: id,rank,verdict, one eligible registration a line, "
                + "sorted by rank) listing the whole draw; it holds no personal data.") String ranksUrl) {

    static DrawResult of(String code, byte[] seed, String commitment, int eligible, int selected, String cutoffRank,
            String ranksUrl) {
        return new DrawResult(code, HexFormat.of().formatHex(seed), commitment, eligible, selected, cutoffRank, ranksUrl);
    }
}
