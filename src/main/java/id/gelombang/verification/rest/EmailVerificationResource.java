package id.gelombang.verification.rest;

import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

import id.gelombang.common.problem.Problem;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.service.RegistrationView;
import id.gelombang.verification.domain.EmailChangeRules;
import id.gelombang.verification.service.EmailVerificationService;
import id.gelombang.verification.service.EmailVerificationService.Outcome;
import io.smallrye.mutiny.Uni;

@Path("/v1/registrations/{id}/email")
@Produces(MediaType.APPLICATION_JSON)
public class EmailVerificationResource {

    public record CodeRequest(@Schema(examples = "042137") String code) {
    }

    public record AddressChange(@Schema(examples = "siti.rahayu@example.com", description = "the corrected email address") String address) {
    }

    private final EmailVerificationService verification;

    public EmailVerificationResource(EmailVerificationService verification) {
        this.verification = verification;
    }

    @POST
    @Path("/verify")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Verify the email address with the 6-digit code mailed to it")
    @APIResponse(responseCode = "200", description = "Verified; the registration as GET shows it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RegistrationView.class)))
    @APIResponse(responseCode = "422", description = "Wrong, expired or used code; the detail tells the attempts left",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "Too many wrong codes: wait Retry-After seconds",
            headers = @Header(name = "Retry-After", required = true, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RegistrationView> verify(@PathParam("id") String id,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, CodeRequest request) {
        return verification.verify(id, authorization, request == null ? null : request.code()).map(outcome -> {
            if (outcome instanceof Outcome.Verified verified) {
                return verified.registration();
            }
            if (outcome instanceof Outcome.Locked locked) {
                throw new ProblemException(ProblemType.TOO_MANY_ATTEMPTS.problem(
                        "Too many wrong codes. Try again later, or ask for a new code then."),
                        Map.of("Retry-After", EmailVerificationService.retryAfterSeconds(locked.retryAfter())));
            }
            int left = ((Outcome.WrongCode) outcome).attemptsLeft();
            throw ProblemType.EMAIL_CODE_INVALID.exception(left > 0
                    ? "The code is wrong, expired or already used. Attempts left: " + left + "."
                    : "The code is wrong, expired or already used, and no attempts are left for now.");
        });
    }

    @POST
    @Path("/resend")
    @ResponseStatus(202)
    @Operation(summary = "Mail a new code (at most once a minute); the previous code stops working")
    @APIResponse(responseCode = "202", description = "A new code is on its way")
    @APIResponse(responseCode = "409", description = "The address is already verified, or mail to it came back (correct it first)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "Asked again within a minute: wait Retry-After seconds",
            headers = @Header(name = "Retry-After", required = true, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Void> resend(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return verification.resend(id, authorization);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Correct the email address (a mistyped one, or one mail bounced from): a new code is mailed to it",
            description = "Allowed while the address is not verified, or once mail to it came back (email.deliverable false). "
                    + "The previous code stops working. At most one new code a minute and "
                    + EmailChangeRules.MAX_CHANGES + " changes a day.")
    @APIResponse(responseCode = "200", description = "Changed; the registration as GET shows it, the new code is on its way",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RegistrationView.class)))
    @APIResponse(responseCode = "400", description = "Not an email address", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The address is verified and receives mail, or the new address is already used by"
            + " as many registrations of the wave as it may be (email-limit)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "Within a minute of the last code, or too many changes today: wait Retry-After seconds",
            headers = @Header(name = "Retry-After", required = true, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RegistrationView> changeAddress(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            AddressChange request) {
        return verification.changeAddress(id, authorization, request == null ? null : request.address());
    }
}
