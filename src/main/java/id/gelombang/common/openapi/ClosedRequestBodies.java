package id.gelombang.common.openapi;

import java.util.HashSet;
import java.util.Set;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Request bodies refuse fields they do not define (400, as the contract says), because Jackson is
 * configured to fail on unknown properties ({@value #UNKNOWN_FIELDS_REFUSED} in
 * application.properties); the document says so on every object a request body holds
 * ({@code additionalProperties: false}), so a client generated from it never sends an extra field.
 * DocumentedRulesTest holds the two together. Run per request of the document, like every filter
 * here (see ProblemResponsesDocumentation: none of this work belongs in a cold start).
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class ClosedRequestBodies implements OASFilter {

    static final String UNKNOWN_FIELDS_REFUSED = "quarkus.jackson.fail-on-unknown-properties";
    private static final String COMPONENT = "#/components/schemas/";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        DocumentModel model = DocumentModel.of(openAPI);
        Set<String> closed = new HashSet<>();
        model.forEachOperation((path, operation) -> {
            if (operation.getValue().getRequestBody() == null || operation.getValue().getRequestBody().getContent() == null) {
                return;
            }
            for (MediaType media : operation.getValue().getRequestBody().getContent().getMediaTypes().values()) {
                close(model, media.getSchema(), closed);
            }
        });
    }

    private static void close(DocumentModel model, Schema schema, Set<String> closed) {
        if (schema == null) {
            return;
        }
        if (schema.getRef() != null && schema.getRef().startsWith(COMPONENT)) {
            String name = schema.getRef().substring(COMPONENT.length());
            if (closed.add(name)) {
                close(model, model.schema(name), closed);
            }
            return;
        }
        if (schema.getProperties() != null) {
            schema.setAdditionalPropertiesBoolean(Boolean.FALSE);
            schema.getProperties().values().forEach(property -> close(model, property, closed));
        }
        close(model, schema.getItems(), closed);
    }
}
