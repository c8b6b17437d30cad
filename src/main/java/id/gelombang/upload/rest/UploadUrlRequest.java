package id.gelombang.upload.rest;

/** Body of POST /v1/registrations/{id}/ktp/upload-url. */
public record UploadUrlRequest(String contentType, Long contentLength, String checksumSha256) {
}
