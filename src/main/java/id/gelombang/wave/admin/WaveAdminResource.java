package id.gelombang.wave.admin;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import id.gelombang.common.problem.Problem;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.common.security.OperatorAccessFilter;
import id.gelombang.common.security.OperatorActor;
import id.gelombang.wave.draw.DrawRequest;
import id.gelombang.wave.draw.DrawResult;
import id.gelombang.wave.draw.DrawSeedSeal;
import id.gelombang.wave.draw.RanksFile;
import id.gelombang.wave.draw.WaveDraw;
import io.smallrye.mutiny.Uni;

/** The operator API; every call needs the operator key (see {@link OperatorAccessFilter}). */
@Path("/v1/admin/waves")
@Produces(MediaType.APPLICATION_JSON)
public class WaveAdminResource {

    private final WaveAdministration waves;
    private final WaveDraw draws;
    private final DrawSeedSeal seal;
    private final RanksFile ranks;

    public WaveAdminResource(WaveAdministration waves, WaveDraw draws, DrawSeedSeal seal, RanksFile ranks) {
        this.seal = seal;
        this.ranks = ranks;
        this.waves = waves;
        this.draws = draws;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Define a wave", description = "selection DRAW fixes the draw's secret seed now and publishes "
            + "its SHA-256 (drawCommitment); quota is then the number the draw selects, not a cap on registrations.")
    @APIResponse(responseCode = "201", description = "Defined; Location names it", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperatorWaveView.class)))
    @APIResponse(responseCode = "409", description = "A wave with this code exists", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<OperatorWaveView>> create(WaveDefinition definition, @Context APIGatewayV2HTTPEvent event) {
        if (definition == null) {
            throw ProblemType.BAD_REQUEST.exception("The body must be a JSON object.");
        }
        return waves.create(definition, OperatorActor.of(event)).map(view -> RestResponse.ResponseBuilder.<OperatorWaveView>create(RestResponse.Status.CREATED)
                .header("Location", "/v1/admin/waves/" + view.code()).entity(view).build());
    }

    @GET
    @Operation(summary = "All waves, oldest first")
    public Uni<List<OperatorWaveView>> list() {
        return waves.list();
    }

    @GET
    @Path("/{code}")
    public Uni<OperatorWaveView> get(@PathParam("code") String code) {
        return waves.get(code);
    }

    @PATCH
    @Path("/{code}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change times, quota or household limit of a wave that has not closed, or retention settings of any wave")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = OperatorWaveView.class)))
    @APIResponse(responseCode = "409", description = "The wave closed, is open (opening time), or has more registrations than the quota",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<OperatorWaveView> change(@PathParam("code") String code, WaveChange change,
            @Context APIGatewayV2HTTPEvent event) {
        if (change == null) {
            throw ProblemType.BAD_REQUEST.exception("The body must be a JSON object.");
        }
        return waves.change(code, change, OperatorActor.of(event));
    }

    @POST
    @Path("/{code}/close")
    @Operation(summary = "Close a wave now")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = OperatorWaveView.class)))
    @APIResponse(responseCode = "409", description = "The wave is already closed", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<OperatorWaveView> close(@PathParam("code") String code, @Context APIGatewayV2HTTPEvent event) {
        return waves.close(code, OperatorActor.of(event));
    }

    @POST
    @Path("/{code}/draw")
    @Operation(summary = "Run the draw of a closed draw wave",
            description = "Ranks every eligible registration by SHA-256(seed || id) and selects the quota lowest ranks, "
                    + "inside the database, in short transactions that each hold a registration's row for one batch at most; nothing "
                    + "of it is shown before it is published at once at the end. Reveals the seed. Calling it again answers the same "
                    + "draw; a call made while an earlier one is drawing waits for that draw and answers it. "
                    + "A wave created with a drawCommitment takes its seed here ({\"seed\": \"<64 hex>\"}); a wave whose "
                    + "seed the system generated takes no body (a seed in it is refused with 400).")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DrawRequest.class)))
    @APIResponse(responseCode = "200", description = "The draw (made now or earlier)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DrawResult.class)))
    @APIResponse(responseCode = "404", description = "No wave with this code",
            content = @Content(mediaType = "application/problem+json"))
    @APIResponse(responseCode = "400", description = "The seed is malformed, missing for a wave whose seed was made "
            + "outside, or given for a wave whose seed the system generated",
            content = @Content(mediaType = "application/problem+json"))
    @APIResponse(responseCode = "409", description = "not-a-draw-wave: the wave is first come, first served; "
            + "wave-not-closed: the draw runs after the close", content = @Content(mediaType = "application/problem+json"))
    @APIResponse(responseCode = "422", description = "seed-mismatch: SHA-256 of the seed is not the wave's drawCommitment; "
            + "nothing is drawn", content = @Content(mediaType = "application/problem+json"))
    public Uni<DrawResult> draw(@PathParam("code") String code, DrawRequest request, @Context APIGatewayV2HTTPEvent event) {
        return seal.loadKey()
                .chain(() -> draws.draw(code, OperatorActor.of(event), request == null ? null : request.seed()))
                .call(() -> ranks.publishAfterDraw(code));
    }

    @GET
    @Path("/{code}/funnel")
    @Operation(summary = "How many registrants reached each stage; cheap enough to poll every few seconds")
    public Uni<FunnelView> funnel(@PathParam("code") String code) {
        return waves.funnel(code);
    }
}
