package id.gelombang.wave.rest;

import java.time.Clock;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import id.gelombang.common.problem.Problem;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.wave.schedule.WaveSchedule;
import io.smallrye.mutiny.Uni;

@Path("/v1/waves")
@Produces(MediaType.APPLICATION_JSON)
public class WaveResource {

    private final WaveSchedule schedule;
    private final Clock clock;

    public WaveResource(WaveSchedule schedule, Clock clock) {
        this.schedule = schedule;
        this.clock = clock;
    }

    /** Between waves this answers from the published schedule: a paused Aurora stays paused. */
    @GET
    @Path("/current")
    @Operation(summary = "The wave open now, else the next one to open")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = WaveView.class)))
    @APIResponse(responseCode = "404", description = "No wave is open or scheduled", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<WaveView> current() {
        var now = clock.instant();
        return schedule.currentOrNext(now)
                .onItem().ifNull().failWith(() -> ProblemType.NOT_FOUND.exception("No wave is open or scheduled."))
                .map(wave -> WaveView.of(wave, now));
    }
}
