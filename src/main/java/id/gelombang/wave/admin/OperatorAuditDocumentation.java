package id.gelombang.wave.admin;

import static id.gelombang.common.openapi.DocumentModel.bounds;
import static id.gelombang.common.openapi.DocumentModel.oneOf;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

import id.gelombang.common.audit.OperatorAction;
import id.gelombang.common.audit.OperatorAudit;
import id.gelombang.common.openapi.DocumentModel;
import id.gelombang.wave.WaveRules;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Writes into the served document the audit trail's query rules and actions, from {@link OperatorAudit},
 * {@link WaveRules} and {@link OperatorAction}. An empty value ({@code ?waveCode=}) reaches the
 * resource as no value at all (Quarkus REST), so both parameters declare {@code allowEmptyValue}.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class OperatorAuditDocumentation implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        DocumentModel model = DocumentModel.of(openAPI);
        model.parameter("/v1/admin/audit", PathItem.HttpMethod.GET, Parameter.In.QUERY, "limit")
                .schema(bounds(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER), OperatorAudit.MIN_LIMIT,
                        OperatorAudit.MAX_LIMIT).defaultValue(OperatorAudit.DEFAULT_LIMIT))
                .allowEmptyValue(true);
        model.parameter("/v1/admin/audit", PathItem.HttpMethod.GET, Parameter.In.QUERY, "waveCode")
                .schema(DocumentModel.length(DocumentModel.pattern(DocumentModel.string(), WaveRules.CODE_PATTERN), 1,
                        WaveRules.MAX_CODE_LENGTH))
                .allowEmptyValue(true);
        oneOf(model.property("AuditEntry", "action"), OperatorAction.values());
    }
}
