package id.gelombang.registration.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import id.gelombang.common.problem.Problem;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.common.security.OperatorAccessFilter;
import id.gelombang.common.security.OperatorActor;
import id.gelombang.registration.service.VoidResult;
import id.gelombang.registration.service.VoidService;
import io.smallrye.mutiny.Uni;

/** Operators undo proven identity theft (docs/wave-runbook.md, "Identity theft"); the operator key is needed ({@link OperatorAccessFilter}). */
@Path("/v1/admin/waves/{code}/voids")
@Produces(MediaType.APPLICATION_JSON)
public class VoidResource {

    private final VoidService voids;

    public VoidResource(VoidService voids) {
        this.voids = voids;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Void the registration holding a NIK, proven made with someone else's identity",
            description = "After an identity check outside the system proved it: releases the NIK and the place (the owner can "
                    + "register at once), erases the registration's personal data as a withdrawal does, answers its token and "
                    + "Idempotency-Key with 410 /voided, tells its email address, and records the action in the audit trail "
                    + "(the registration's id and the case reference, never the NIK). Repeating it with the same caseReference "
                    + "answers the same void.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = VoidRequest.class)))
    @APIResponse(responseCode = "200", description = "Voided (now, or earlier under this caseReference)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VoidResult.class)))
    @APIResponse(responseCode = "400", description = "nik or caseReference invalid, all listed; or the body is no JSON object",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No wave with this code, or no registration of the wave holds this NIK",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<VoidResult> voidRegistration(@PathParam("code") String code, VoidRequest request,
            @Context APIGatewayV2HTTPEvent event) {
        if (request == null) {
            throw ProblemType.BAD_REQUEST.exception("The body must be a JSON object.");
        }
        return voids.voidRegistration(code, request.nik(), request.caseReference(), OperatorActor.of(event));
    }
}
