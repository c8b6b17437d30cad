package id.gelombang.access.rest;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

import id.gelombang.access.service.AccessCodes;
import id.gelombang.access.service.AccessCodes.Granted;
import id.gelombang.common.problem.FieldErrors.FieldError;
import id.gelombang.common.problem.Problem;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.rest.IdempotencyKeys;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * Coming back later: a code to the registration's email address, exchanged for a new token. The
 * fields' rules are written into the document by {@link AccessDocumentation}.
 */
@Path("/v1/registrations")
@Produces(MediaType.APPLICATION_JSON)
public class AccessResource {

    private static final String IDEMPOTENCY_KEY = IdempotencyKeys.HEADER;

    public record AccessCodeRequest(
            @Schema(required = true, examples = "3171234501900001") String nik,
            @Schema(required = true, format = "date", examples = "1990-01-05") String birthDate) {

        @Override
        public String toString() {
            return "AccessCodeRequest[redacted]";
        }
    }

    public record AccessRequest(
            @Schema(required = true, examples = "3171234501900001") String nik,
            @Schema(required = true, format = "date", examples = "1990-01-05") String birthDate,
            @Schema(required = true, examples = "042137") String code) {

        @Override
        public String toString() {
            return "AccessRequest[redacted]";
        }
    }

    /** The one answer to every well-formed request for a code. */
    @RegisterForReflection
    public record AccessCodeAccepted(String detail) {
    }

    /** A registration opened with a code. */
    @RegisterForReflection
    public record AccessGranted(String id,
            @Schema(description = "A new token: every earlier token of this registration stops working (401)")
            String registrationToken, String waveCode,
            String status) {

        @Override
        public String toString() {
            return "AccessGranted[redacted]";
        }
    }

    private final AccessCodes codes;

    public AccessResource(AccessCodes codes) {
        this.codes = codes;
    }

    @POST
    @Path("/access-codes")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(202)
    @Operation(summary = "Mail a 6-digit access code to the email address of this NIK's registration",
            description = "The same answer whether or not a registration matches: when the NIK's latest registration that is"
                    + " not withdrawn has this birth date, a code valid for 10 minutes is mailed to its address. At most 3"
                    + " codes per NIK an hour and one a minute; beyond that the answer is the same and nothing is sent.")
    @Parameter(name = IDEMPOTENCY_KEY, in = ParameterIn.HEADER,
            description = "Optional, 1-255 printable ASCII characters: a repeat of the same key sends no second code")
    @APIResponse(responseCode = "202", description = "Asked for (whether or not anything is sent)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessCodeAccepted.class)))
    @APIResponse(responseCode = "400", description = "Malformed NIK or birth date, or a NIK that does not encode the birth date"
            + " (all invalid fields listed), or a malformed Idempotency-Key",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AccessCodeAccepted> requestCode(
            @Context HttpHeaders headers,
            AccessCodeRequest request) {
        String idempotencyKey = IdempotencyKeys.from(headers);
        if (idempotencyKey != null) {
            String keyProblem = IdempotencyKeys.problemWith(idempotencyKey);
            if (keyProblem != null) {
                throw new ProblemException(ProblemType.VALIDATION.problem("The Idempotency-Key header is malformed.",
                        List.of(new FieldError(IDEMPOTENCY_KEY, keyProblem))));
            }
        }
        if (request == null) {
            throw ProblemType.BAD_REQUEST.exception("The body must be a JSON object.");
        }
        return codes.request(idempotencyKey, request.nik(), request.birthDate())
                .map(done -> new AccessCodeAccepted(AccessCodes.ON_ITS_WAY));
    }

    @POST
    @Path("/access")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Exchange the mailed access code for a new registration token",
            description = "Every earlier token of the registration stops working. A code works once, for 10 minutes after"
                    + " it was mailed, and dies after 5 wrong tries.")
    @APIResponse(responseCode = "200", description = "The registration, with its new token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessGranted.class)))
    @APIResponse(responseCode = "400", description = "Malformed NIK, birth date or code (all invalid fields listed)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "invalid-access-code: wrong, used or expired code, or no matching"
            + " registration (one answer for all)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AccessGranted> open(AccessRequest request) {
        if (request == null) {
            throw ProblemType.BAD_REQUEST.exception("The body must be a JSON object.");
        }
        return codes.open(request.nik(), request.birthDate(), request.code())
                .map((Granted g) -> new AccessGranted(g.id(), g.registrationToken(), g.waveCode(), g.status().name()));
    }
}
