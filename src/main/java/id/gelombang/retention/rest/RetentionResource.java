package id.gelombang.retention.rest;

import java.time.Duration;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import id.gelombang.common.problem.ProblemType;
import id.gelombang.retention.service.RetentionJob;
import id.gelombang.retention.service.RetentionJob.Run;
import io.smallrye.common.annotation.Blocking;

/**
 * Entry point of the daily retention run (the template's RetentionFunction schedule): erases what
 * is past retention for up to {@code seconds}, {@code batchSize} registrations per transaction.
 * Hidden outside workers (InternalRoutesFilter).
 */
@Path("/internal/retention/run")
@Produces(MediaType.APPLICATION_JSON)
public class RetentionResource {

    static final int MAX_SECONDS = 840;
    static final int MAX_BATCH = 1000;

    private final RetentionJob job;

    public RetentionResource(RetentionJob job) {
        this.job = job;
    }

    @POST
    @Blocking
    @Operation(hidden = true)
    public Run run(@QueryParam("batchSize") @DefaultValue("500") int batchSize,
            @QueryParam("seconds") @DefaultValue("600") int seconds) {
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw ProblemType.BAD_REQUEST.exception("batchSize must be between 1 and " + MAX_BATCH + ".");
        }
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw ProblemType.BAD_REQUEST.exception("seconds must be between 1 and " + MAX_SECONDS + ".");
        }
        return job.run(batchSize, Duration.ofSeconds(seconds));
    }
}
