package id.gelombang.wave.draw;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import id.gelombang.common.web.OmitRatherThanNull;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of POST /v1/admin/waves/{code}/draw: the seed, for a wave whose seed was made outside the system. */
@RegisterForReflection
public record DrawRequest(
        @Schema(description = "The 32-byte seed made outside the system, as hex; its SHA-256 must be the wave's drawCommitment")
        @OmitRatherThanNull String seed) {
}
