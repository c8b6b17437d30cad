package id.gelombang.common.openapi;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

import id.gelombang.common.web.InstantsAsWritten;

/**
 * Writes the rules the server enforces into the served OpenAPI document, from the constants the
 * validation itself reads, so that the two are declared once. Used by the features' per-request
 * document filters; a schema, property, operation or parameter that is not where a filter expects
 * it fails the document (500 on /q/openapi, and so the tests), rather than leaving a rule out.
 */
public final class DocumentModel {

    /** A date-time as the server reads an {@code Instant}: {@link InstantsAsWritten#PATTERN}. */
    public static final String INSTANT_PATTERN = InstantsAsWritten.PATTERN;

    private final OpenAPI api;

    private DocumentModel(OpenAPI api) {
        this.api = api;
    }

    public static DocumentModel of(OpenAPI api) {
        return new DocumentModel(api);
    }

    public Schema schema(String name) {
        Map<String, Schema> schemas = api.getComponents() == null ? null : api.getComponents().getSchemas();
        Schema schema = schemas == null ? null : schemas.get(name);
        if (schema == null) {
            throw new IllegalStateException("The OpenAPI document has no schema " + name);
        }
        return schema;
    }

    public Schema property(String schema, String property) {
        Map<String, Schema> properties = schema(schema).getProperties();
        Schema found = properties == null ? null : properties.get(property);
        if (found == null) {
            throw new IllegalStateException("Schema " + schema + " has no property " + property);
        }
        return found;
    }

    public Operation operation(String path, PathItem.HttpMethod method) {
        PathItem item = api.getPaths() == null ? null : api.getPaths().getPathItem(path);
        Operation operation = item == null ? null : item.getOperations().get(method);
        if (operation == null) {
            throw new IllegalStateException("The OpenAPI document has no operation " + method + " " + path);
        }
        return operation;
    }

    public Parameter parameter(String path, PathItem.HttpMethod method, Parameter.In in, String name) {
        List<Parameter> parameters = operation(path, method).getParameters();
        return (parameters == null ? List.<Parameter> of() : parameters).stream()
                .filter(p -> p.getIn() == in && name.equals(p.getName()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(method + " " + path + " has no " + in + " parameter " + name));
    }

    /** Every operation with its path, for rules that hold for groups of routes. */
    public void forEachOperation(BiConsumer<String, Map.Entry<PathItem.HttpMethod, Operation>> action) {
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().getPathItems().forEach((path, item) -> item.getOperations().entrySet()
                .forEach(operation -> action.accept(path, operation)));
    }

    /** Sets a path parameter's schema on every operation of every path that has it. */
    public void pathParameter(String name, Schema schema) {
        forEachOperation((path, operation) -> {
            List<Parameter> parameters = operation.getValue().getParameters();
            if (parameters != null) {
                parameters.stream().filter(p -> p.getIn() == Parameter.In.PATH && name.equals(p.getName()))
                        .forEach(p -> p.setSchema(schema));
            }
        });
    }

    public static Schema string() {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    }

    public static Schema pattern(Schema schema, String pattern) {
        return schema.pattern(pattern);
    }

    public static Schema length(Schema schema, int min, int max) {
        return schema.minLength(min).maxLength(max);
    }

    public static Schema bounds(Schema schema, long min, long max) {
        return schema.minimum(BigDecimal.valueOf(min)).maximum(BigDecimal.valueOf(max));
    }

    /** The enum's constant names are the values on the wire. */
    public static Schema oneOf(Schema schema, Enum<?>... values) {
        return schema.enumeration(new ArrayList<Object>(Arrays.stream(values).map(Enum::name).toList()));
    }

    public static Schema oneOf(Schema schema, List<String> values) {
        return schema.enumeration(new ArrayList<Object>(values));
    }

    /** Adds names to a schema's required properties (the properties must exist). */
    public void required(String schema, String... properties) {
        Schema target = schema(schema);
        for (String property : properties) {
            property(schema, property);
            if (target.getRequired() == null || !target.getRequired().contains(property)) {
                target.addRequired(property);
            }
        }
    }
}
