package id.gelombang.upload.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import id.gelombang.common.observability.Metrics;
import id.gelombang.upload.service.KtpUploadService;
import io.smallrye.mutiny.Uni;

/**
 * S3 "Object Created" events for the pending-upload prefix, as EventBridge delivers them to the
 * upload worker (the template's input transformer wraps {@code detail.object.key} into this
 * call). Hidden outside workers (InternalRoutesFilter).
 */
@Path("/internal/uploads/object-created")
@Produces(MediaType.APPLICATION_JSON)
public class UploadEventResource {

    public record ObjectCreated(String key) {
    }

    /** What the event led to: the registration's KTP status, or IGNORED when nobody waits for the object. */
    public record Handled(String outcome) {
    }

    private final KtpUploadService uploads;
    private final Metrics metrics;

    public UploadEventResource(KtpUploadService uploads, Metrics metrics) {
        this.uploads = uploads;
        this.metrics = metrics;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Uni<Handled> objectCreated(ObjectCreated event) {
        return uploads.objectArrived(event == null ? null : event.key())
                .map(result -> new Handled(result.map(c -> c.status().name()).orElse("IGNORED")))
                .onFailure().invoke(metrics::uploadEventFailed);
    }
}
