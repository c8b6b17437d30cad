package id.gelombang.access.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import id.gelombang.access.service.AccessRecovery;
import id.gelombang.access.service.AccessRecovery.Recovered;
import id.gelombang.common.problem.Problem;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.common.security.OperatorAccessFilter;
import id.gelombang.common.security.OperatorActor;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * Support's action for a registrant who lost access to their mailbox, after an identity check
 * outside the system; audited. Operator API: the operator key (see {@link OperatorAccessFilter}).
 */
@Path("/v1/admin/access-recoveries")
@Produces(MediaType.APPLICATION_JSON)
public class AccessRecoveryResource {

    public record RecoveryRequest(
            @Schema(required = true, examples = "3171234501900001") String nik,
            @Schema(required = true, format = "date", examples = "1990-01-05") String birthDate,
            @Schema(required = true, description = "The address the registrant can read now",
                    examples = "siti.baru@example.com") String email,
            @Schema(required = true, description = "The support ticket's reference, kept in the audit trail: 1-64 letters,"
                    + " digits and . _ : / # -, no personal data", examples = "SUP-2026-0042") String ticket) {

        @Override
        public String toString() {
            return "RecoveryRequest[redacted]";
        }
    }

    @RegisterForReflection
    public record RecoveryView(String registrationId, String waveCode, String status,
            @Schema(description = "The new address, masked") String email) {
    }

    private final AccessRecovery recovery;

    public AccessRecoveryResource(AccessRecovery recovery) {
        this.recovery = recovery;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(202)
    @Operation(summary = "Give a registration a new email address and mail an access code there",
            description = "Only after the registrant's identity was checked outside the system (runbook). The NIK's latest"
                    + " registration that is not withdrawn gets the address, unverified; an access code (whatever the NIK's"
                    + " hourly limits) and an email code are mailed there. Audited as RECOVER_ACCESS.")
    @APIResponse(responseCode = "202", description = "Done; the codes are on their way",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RecoveryView.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields, all listed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No registration that is not withdrawn has this NIK and birth date",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RecoveryView> recover(RecoveryRequest request, @Context APIGatewayV2HTTPEvent event) {
        if (request == null) {
            throw ProblemType.BAD_REQUEST.exception("The body must be a JSON object.");
        }
        return recovery.recover(request.nik(), request.birthDate(), request.email(), request.ticket(), OperatorActor.of(event))
                .map((Recovered r) -> new RecoveryView(r.registrationId(), r.waveCode(), r.status().name(), r.email()));
    }
}
