package id.gelombang.upload.rest;

import static id.gelombang.common.openapi.DocumentModel.bounds;
import static id.gelombang.common.openapi.DocumentModel.oneOf;
import static id.gelombang.common.openapi.DocumentModel.pattern;

import java.util.Arrays;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

import id.gelombang.common.openapi.DocumentModel;
import id.gelombang.registration.domain.KtpStatus;
import id.gelombang.upload.domain.KtpPhoto;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/** Writes into the served document what {@link KtpPhoto#declare} accepts, from its own constants. */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class UploadDocumentation implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        DocumentModel model = DocumentModel.of(openAPI);
        model.required("UploadUrlRequest", "contentType", "contentLength", "checksumSha256");
        oneOf(model.property("UploadUrlRequest", "contentType"),
                Arrays.stream(KtpPhoto.ImageType.values()).map(KtpPhoto.ImageType::mediaType).toList());
        bounds(model.property("UploadUrlRequest", "contentLength"), KtpPhoto.MIN_BYTES, KtpPhoto.MAX_BYTES);
        pattern(model.property("UploadUrlRequest", "checksumSha256"), KtpPhoto.CHECKSUM_PATTERN);
        // A rejected photo is answered 422 (KtpResource#confirm): a 200 only ever says RECEIVED.
        oneOf(model.property("KtpState", "status"), KtpStatus.RECEIVED);
        model.property("IssuedUpload", "method").constValue("PUT");
    }
}
