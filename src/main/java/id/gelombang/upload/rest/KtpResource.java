package id.gelombang.upload.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

import id.gelombang.common.problem.Problem;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.domain.KtpStatus;
import id.gelombang.upload.service.KtpUploadService;
import id.gelombang.upload.service.KtpUploadService.IssuedUpload;
import io.smallrye.mutiny.Uni;

@Path("/v1/registrations/{id}/ktp")
@Produces(MediaType.APPLICATION_JSON)
public class KtpResource {

    public record KtpState(String status) {
    }

    public record Confirmed(KtpState ktp) {
    }

    private final KtpUploadService uploads;

    public KtpResource(KtpUploadService uploads) {
        this.uploads = uploads;
    }

    @POST
    @Path("/upload-url")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @Operation(summary = "A presigned URL to PUT the KTP photo straight to storage")
    @APIResponse(responseCode = "201", description = "PUT the photo to uploadUrl with exactly these headers",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IssuedUpload.class)))
    public Uni<IssuedUpload> uploadUrl(@PathParam("id") String id,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, UploadUrlRequest request) {
        UploadUrlRequest body = request == null ? new UploadUrlRequest(null, null, null) : request;
        return uploads.issueUploadUrl(id, authorization, body.contentType(), body.contentLength(), body.checksumSha256());
    }

    @POST
    @Path("/confirm")
    @Operation(summary = "Check the uploaded photo and accept or reject it")
    @APIResponse(responseCode = "200", description = "The photo is accepted (again, when called again)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Confirmed.class)))
    @APIResponse(responseCode = "422", description = "No photo at the upload URL yet, or the file is not the declared photo (reason)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Confirmed> confirm(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return uploads.confirm(id, authorization).map(confirmation -> {
            if (confirmation.status() == KtpStatus.REJECTED) {
                throw new ProblemException(ProblemType.KTP_REJECTED.problemWithReason(
                        "The uploaded file is not the declared KTP photo and was deleted. Upload it again.",
                        confirmation.reason().name()));
            }
            return new Confirmed(new KtpState(confirmation.status().name()));
        });
    }
}
