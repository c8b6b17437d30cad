package id.gelombang.verification.rest;

import static id.gelombang.common.openapi.DocumentModel.pattern;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

import id.gelombang.common.openapi.DocumentModel;
import id.gelombang.registration.domain.EmailAddress;
import id.gelombang.verification.domain.EmailCodeRules;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Writes into the served document the shape of an email code, as {@link EmailCodeRules} checks it,
 * and of a corrected address, as {@link EmailAddress} checks it.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class EmailVerificationDocumentation implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        DocumentModel model = DocumentModel.of(openAPI);
        model.required("CodeRequest", "code");
        pattern(model.property("CodeRequest", "code"), EmailCodeRules.CODE_PATTERN);
        model.required("AddressChange", "address");
        pattern(model.property("AddressChange", "address"), EmailAddress.PATTERN).maxLength(EmailAddress.MAX_LENGTH);
    }
}
