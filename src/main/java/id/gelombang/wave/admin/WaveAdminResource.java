package id.gelombang.wave.admin;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestResponse;

import id.gelombang.common.problem.ProblemType;
import id.gelombang.common.security.OperatorAccessFilter;
import io.smallrye.mutiny.Uni;

/** The operator API; every call needs the operator key (see {@link OperatorAccessFilter}). */
@Path("/v1/admin/waves")
@Produces(MediaType.APPLICATION_JSON)
public class WaveAdminResource {

    private final WaveAdministration waves;

    public WaveAdminResource(WaveAdministration waves) {
        this.waves = waves;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Define a wave")
    public Uni<RestResponse<OperatorWaveView>> create(WaveDefinition definition) {
        if (definition == null) {
            throw ProblemType.BAD_REQUEST.exception("The body must be a JSON object.");
        }
        return waves.create(definition).map(view -> RestResponse.ResponseBuilder.<OperatorWaveView>create(RestResponse.Status.CREATED)
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
    public Uni<OperatorWaveView> change(@PathParam("code") String code, WaveChange change) {
        if (change == null) {
            throw ProblemType.BAD_REQUEST.exception("The body must be a JSON object.");
        }
        return waves.change(code, change);
    }

    @POST
    @Path("/{code}/close")
    @Operation(summary = "Close a wave now")
    public Uni<OperatorWaveView> close(@PathParam("code") String code) {
        return waves.close(code);
    }

    @GET
    @Path("/{code}/funnel")
    @Operation(summary = "How many registrants reached each stage; cheap enough to poll every few seconds")
    public Uni<FunnelView> funnel(@PathParam("code") String code) {
        return waves.funnel(code);
    }
}
