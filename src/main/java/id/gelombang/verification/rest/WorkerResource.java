package id.gelombang.verification.rest;

import java.time.Duration;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import id.gelombang.common.problem.ProblemType;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.service.JobWorker;
import id.gelombang.verification.service.JobWorker.Drained;
import io.smallrye.common.annotation.Blocking;

/**
 * Entry point of the worker functions: each scheduled invocation drains the jobs of one outside
 * service, named by a kind of it (EMAIL_CODE: every email kind, codes before notices; NIK_CHECK), for
 * up to {@code seconds} with {@code parallel} loops (outside calls overlap; the shared pace still
 * holds), then returns so Lambda can bill and scale it down. Hidden outside workers (InternalRoutesFilter).
 */
@Path("/internal/workers/{kind}")
@Produces(MediaType.APPLICATION_JSON)
public class WorkerResource {

    static final int MAX_SECONDS = 840;
    static final int MAX_PARALLEL = 16;

    private final JobWorker worker;

    public WorkerResource(JobWorker worker) {
        this.worker = worker;
    }

    @POST
    @Path("/drain")
    @Blocking
    @Operation(hidden = true)
    public Drained drain(@PathParam("kind") String kind, @QueryParam("seconds") @DefaultValue("50") int seconds,
            @QueryParam("untilIdle") @DefaultValue("false") boolean untilIdle,
            @QueryParam("parallel") @DefaultValue("1") int parallel) {
        JobKind jobKind;
        try {
            jobKind = JobKind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            throw ProblemType.NOT_FOUND.exception("No such job kind.");
        }
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw ProblemType.BAD_REQUEST.exception("seconds must be between 1 and " + MAX_SECONDS + ".");
        }
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw ProblemType.BAD_REQUEST.exception("parallel must be between 1 and " + MAX_PARALLEL + ".");
        }
        return worker.drain(jobKind, Duration.ofSeconds(seconds), untilIdle, parallel);
    }
}
