package id.gelombang.wave.rest;

import java.util.List;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import id.gelombang.wave.draw.RanksFile;
import io.smallrye.common.annotation.Blocking;

/**
 * Entry point of the ranks schedule (the DrawFunction's): writes again the list of ranks of every
 * drawn wave that releases after its draw have left behind. Hidden outside workers (InternalRoutesFilter).
 */
@Path("/internal/draws/ranks")
@Produces(MediaType.APPLICATION_JSON)
public class RanksPublicationResource {

    /** The waves whose file this run wrote. */
    public record Published(List<String> waves) {
    }

    private final RanksFile ranks;

    public RanksPublicationResource(RanksFile ranks) {
        this.ranks = ranks;
    }

    @POST
    @Blocking
    @Operation(hidden = true)
    public Published publish() {
        return new Published(ranks.publishAllBehind());
    }
}
