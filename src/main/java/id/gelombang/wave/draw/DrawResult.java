package id.gelombang.wave.draw;

import java.util.HexFormat;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A wave's draw, as published: anyone can check SHA-256(seed) against the commitment and recompute ranks. */
@RegisterForReflection
@Schema(description = "A wave's draw: the revealed seed (hex), the commitment published while the wave was open, "
        + "and how many registrations were eligible and selected. A registration's rank is the hex SHA-256 of the "
        + "seed bytes followed by its id (canonical lowercase text) in UTF-8; the quota lowest ranks are selected.")
public record DrawResult(String code, String seed, String drawCommitment, int eligible, int selected) {

    static DrawResult of(String code, byte[] seed, String commitment, int eligible, int selected) {
        return new DrawResult(code, HexFormat.of().formatHex(seed), commitment, eligible, selected);
    }
}
