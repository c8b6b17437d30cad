package id.gelombang.wave.rest;

import java.time.Clock;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import id.gelombang.common.database.Deadline;
import id.gelombang.common.problem.Problem;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.wave.draw.DrawResult;
import id.gelombang.wave.draw.WaveDraw;
import id.gelombang.wave.schedule.WaveSchedule;
import io.smallrye.mutiny.Uni;

@Path("/v1/waves")
@Produces(MediaType.APPLICATION_JSON)
public class WaveResource {

    private final WaveSchedule schedule;
    private final Deadline deadline;
    private final WaveDraw draws;
    private final Clock clock;

    public WaveResource(WaveSchedule schedule, Deadline deadline, WaveDraw draws, Clock clock) {
        this.schedule = schedule;
        this.deadline = deadline;
        this.draws = draws;
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

    @GET
    @Path("/{code}/draw")
    @Operation(summary = "The published draw of a draw wave",
            description = "Once drawn: the seed, so anyone can check SHA-256(seed) against the drawCommitment published "
                    + "while the wave was open and recompute any registration's rank. 404 before the draw.")
    @APIResponse(responseCode = "200", description = "The draw",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DrawResult.class)))
    @APIResponse(responseCode = "404", description = "No such wave, or not drawn (yet)",
            content = @Content(mediaType = "application/problem+json"))
    public Uni<DrawResult> draw(@PathParam("code") String code) {
        return deadline.bound(draws.published(code));
    }

    @GET
    @Path("/{code}/draw/ranks")
    @Operation(summary = "Every eligible registration's rank and verdict, sorted by rank (the draw's ranksUrl)",
            description = "Redirects to the published file: text/csv with the header id,rank,verdict; ids are random and "
                    + "carry no personal data, and with the seed anyone can recompute every line. The link it redirects to "
                    + "is valid for 10 minutes; the file follows releases after the draw within minutes. 404 before the draw.")
    @APIResponse(responseCode = "302", description = "The draw's ranks are at Location (text/csv)",
            headers = @Header(name = "Location", required = true, description = "A link to the file, valid for 10 minutes",
                    schema = @Schema(type = SchemaType.STRING, format = "uri")))
    @APIResponse(responseCode = "404", description = "No such wave, or not drawn (yet)",
            content = @Content(mediaType = "application/problem+json"))
    public Uni<Response> ranks(@PathParam("code") String code) {
        return deadline.bound(draws.ranksLink(code))
                .map(file -> Response.status(Response.Status.FOUND).location(file).header(HttpHeaders.CACHE_CONTROL, "no-store").build());
    }
}
