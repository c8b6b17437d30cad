package id.gelombang.wave.rest;

import static id.gelombang.common.openapi.DocumentModel.bounds;
import static id.gelombang.common.openapi.DocumentModel.length;
import static id.gelombang.common.openapi.DocumentModel.oneOf;
import static id.gelombang.common.openapi.DocumentModel.pattern;
import static id.gelombang.common.openapi.DocumentModel.string;

import java.util.List;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

import id.gelombang.common.openapi.DocumentModel;
import id.gelombang.wave.RetentionScope;
import id.gelombang.wave.WaveRules;
import id.gelombang.wave.WaveSelection;
import id.gelombang.wave.draw.DrawSeed;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Writes into the served document what {@link WaveRules} enforces on wave definitions and changes,
 * from its own constants. What JSON Schema cannot say stays in the descriptions: closesAt after
 * opensAt and in the future, a first-come quota not below the registrations already accepted.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class WaveDocumentation implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        DocumentModel model = DocumentModel.of(openAPI);
        model.pathParameter("code", code());

        model.required("WaveDefinition", "code", "opensAt", "closesAt", "quota");
        length(pattern(model.property("WaveDefinition", "code"), WaveRules.CODE_PATTERN), 1, WaveRules.MAX_CODE_LENGTH);
        oneOf(model.property("WaveDefinition", "selection"), WaveSelection.values());
        // Settings only a draw has: true only with selection DRAW (WaveRules#selection, #checkDrawOnly).
        for (String drawOnly : List.of("drawRequiresVerifiedNik", "notifyNotSelected")) {
            model.schema("WaveDefinition").addAllOf(OASFactory.createSchema()
                    .ifSchema(OASFactory.createSchema().addRequired(drawOnly)
                            .addProperty(drawOnly, OASFactory.createSchema().constValue(Boolean.TRUE)))
                    .thenSchema(OASFactory.createSchema().required(List.of("selection"))
                            .addProperty("selection", OASFactory.createSchema().constValue(WaveSelection.DRAW.name()))));
        }
        pattern(model.property("WaveDefinition", "drawCommitment"), WaveRules.COMMITMENT_PATTERN);
        // A commitment only on a draw wave (WaveRules#checkDrawCommitment).
        model.schema("WaveDefinition").addAllOf(OASFactory.createSchema()
                .ifSchema(OASFactory.createSchema().addRequired("drawCommitment"))
                .thenSchema(OASFactory.createSchema().required(List.of("selection"))
                        .addProperty("selection", OASFactory.createSchema().constValue(WaveSelection.DRAW.name()))));
        pattern(model.property("DrawRequest", "seed"), DrawSeed.PATTERN);
        for (String schema : List.of("WaveDefinition", "WaveChange")) {
            for (String instant : List.of("opensAt", "closesAt")) {
                // In place of the shared reference to Instant, so that the pattern is this field's own.
                model.schema(schema).addProperty(instant, pattern(string().format("date-time"), DocumentModel.INSTANT_PATTERN)
                        .description(model.property(schema, instant).getDescription()));
            }
            bounds(model.property(schema, "quota"), WaveRules.MIN_QUOTA, WaveRules.MAX_QUOTA);
            bounds(model.property(schema, "householdLimit"), WaveRules.MIN_HOUSEHOLD_LIMIT, WaveRules.MAX_HOUSEHOLD_LIMIT);
            bounds(model.property(schema, "retentionDays"), WaveRules.MIN_RETENTION_DAYS, WaveRules.MAX_RETENTION_DAYS);
            oneOf(model.property(schema, "retentionScope"), RetentionScope.values());
        }
    }

    private static Schema code() {
        return length(pattern(string(), WaveRules.CODE_PATTERN), 1, WaveRules.MAX_CODE_LENGTH);
    }
}
