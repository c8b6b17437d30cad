package id.gelombang.common.security;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import id.gelombang.common.openapi.DocumentModel;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/** Declares in the served document what {@link OperatorAccessFilter} demands of every /v1/admin call. */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class OperatorAccessDocumentation implements OASFilter {

    static final String SCHEME = "operatorKey";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSecurityScheme(SCHEME, OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name(OperatorAccessFilter.HEADER)
                .description("The operator key. In AWS the route also demands an IAM-signed call."));
        DocumentModel.of(openAPI).forEachOperation((path, operation) -> {
            if (path.equals(OperatorAccessFilter.ADMIN_PATH) || path.startsWith(OperatorAccessFilter.ADMIN_PATH + "/")) {
                operation.getValue().addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(SCHEME));
            }
        });
    }
}
