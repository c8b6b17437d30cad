package id.gelombang.upload.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of POST /v1/registrations/{id}/ktp/upload-url. */
public record UploadUrlRequest(
        @Schema(enumeration = { "image/jpeg", "image/png" }) String contentType,
        @Schema(minimum = "1024", maximum = "2097152", description = "Bytes of the file") Long contentLength,
        @Schema(pattern = "^[A-Za-z0-9+/]{43}=$", description = "Base64 of the file's 32-byte SHA-256") String checksumSha256) {
}
