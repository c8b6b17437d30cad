package id.gelombang.upload.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of POST /v1/registrations/{id}/ktp/upload-url; {@link UploadDocumentation} declares its limits. */
public record UploadUrlRequest(
        String contentType,
        @Schema(description = "Bytes of the file") Long contentLength,
        @Schema(description = "Base64 of the file's 32-byte SHA-256") String checksumSha256) {
}
