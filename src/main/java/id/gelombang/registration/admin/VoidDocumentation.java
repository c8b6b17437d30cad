package id.gelombang.registration.admin;

import static id.gelombang.common.openapi.DocumentModel.length;
import static id.gelombang.common.openapi.DocumentModel.pattern;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

import id.gelombang.common.openapi.DocumentModel;
import id.gelombang.registration.domain.Nik;
import id.gelombang.registration.domain.VoidCase;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/** Writes into the served document what {@link Nik} and {@link VoidCase} enforce on a void, from their own constants. */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class VoidDocumentation implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        DocumentModel model = DocumentModel.of(openAPI);
        pattern(model.property("VoidRequest", "nik"), Nik.PATTERN);
        length(pattern(model.property("VoidRequest", "caseReference"), VoidCase.PATTERN), VoidCase.MIN_LENGTH, VoidCase.MAX_LENGTH);
    }
}
