package id.gelombang.registration.rest;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import id.gelombang.common.problem.FieldErrors.FieldError;
import id.gelombang.common.problem.Problem;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.common.security.EdgeOrigin;
import id.gelombang.registration.service.RegistrationCreated;
import id.gelombang.registration.service.RegistrationQueries;
import id.gelombang.registration.service.RegistrationService;
import id.gelombang.registration.service.RegistrationView;
import id.gelombang.registration.service.StoredReply;
import id.gelombang.registration.service.WithdrawalService;
import io.smallrye.mutiny.Uni;

@Path("/v1/registrations")
@Produces(MediaType.APPLICATION_JSON)
public class RegistrationResource {

    static final String IDEMPOTENCY_KEY = IdempotencyKeys.HEADER;

    private final RegistrationService registrations;
    private final RegistrationQueries queries;
    private final WithdrawalService withdrawals;
    private final EdgeOrigin edge;

    public RegistrationResource(RegistrationService registrations, RegistrationQueries queries, WithdrawalService withdrawals,
            EdgeOrigin edge) {
        this.registrations = registrations;
        this.queries = queries;
        this.withdrawals = withdrawals;
        this.edge = edge;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register for a wave", description = "Idempotent per Idempotency-Key: a retry gets the first answer again.")
    @APIResponse(responseCode = "201", description = "Registered; the token is shown only here",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RegistrationCreated.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields, all listed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Duplicate registration, wave closed or full, household limit, email-limit (the"
            + " address already serves as many registrations in this wave as allowed), withdrawn-from-draw (this NIK withdrew from this"
            + " draw wave and cannot register in it again before its draw), or the same key in flight (with Retry-After)",
            headers = @Header(name = "Retry-After", description = "Only while the same key is in flight",
                    schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "410", description = "The registration this Idempotency-Key created was withdrawn (/withdrawn) or voided (/voided)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Idempotency-Key reused with another body",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "rate-limited: too many registration attempts from this network address"
            + " this minute; nothing was registered, retry with the same Idempotency-Key after Retry-After",
            headers = @Header(name = "Retry-After", required = true, description = "Seconds until the next minute, 1 to 60",
                    schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                            pattern = "^([1-9]|[1-5][0-9]|60)$")),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Parameter(name = IDEMPOTENCY_KEY, in = ParameterIn.HEADER, required = true,
            description = "1-255 printable ASCII characters, new for every registration attempt")
    public Uni<Response> register(@Context HttpHeaders headers, RegistrationRequest request, @Context APIGatewayV2HTTPEvent event) {
        String idempotencyKey = IdempotencyKeys.from(headers);
        String keyProblem = IdempotencyKeys.problemWith(idempotencyKey);
        if (keyProblem != null) {
            throw new ProblemException(ProblemType.VALIDATION.problem(
                    "Every registration request needs an Idempotency-Key header.",
                    List.of(new FieldError(IDEMPOTENCY_KEY, keyProblem))));
        }
        if (request == null) {
            throw ProblemType.BAD_REQUEST.exception("The body must be a JSON object.");
        }
        return registrations.register(idempotencyKey, request.toCommand(), edge.sourceOf(event)).map(RegistrationResource::toResponse);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A registration's progress, personal data masked")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RegistrationView.class)))
    @APIResponse(responseCode = "410", description = "Withdrawn: this token answers 410 /withdrawn to every call but DELETE; voided: 410 /voided to every call",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RegistrationView> get(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return queries.view(id, authorization);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Withdraw and erase the registration",
            description = "Gives back the place, NIK and family-card slot, cancels pending verification, and erases the personal"
                    + " data, email codes, the stored registration reply and the KTP photos. Repeating it answers 204 again.")
    @APIResponse(responseCode = "204", description = "Withdrawn (now or before)")
    @APIResponse(responseCode = "401", description = "Token missing or wrong",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "The token belongs to another registration",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<Void>> withdraw(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return withdrawals.withdraw(id, authorization).map(done -> RestResponse.noContent());
    }

    private static Response toResponse(StoredReply reply) {
        Response.ResponseBuilder response = Response.status(reply.status())
                .type(reply.isProblem() ? Problem.MEDIA_TYPE : MediaType.APPLICATION_JSON)
                .entity(reply.body());
        if (reply.location() != null) {
            // As the contract writes it: a path, not resolved against whatever host served the call.
            response.header(HttpHeaders.LOCATION, reply.location());
        }
        if (reply.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.build();
    }
}
