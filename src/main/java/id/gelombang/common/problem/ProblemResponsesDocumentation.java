package id.gelombang.common.problem;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Documents in the served OpenAPI the problem answers that every operation of a kind can give,
 * so that the document lists each status a client can meet: the mappers in {@link ProblemMappers}
 * and the filters give them to whole groups of routes, not to one resource method at a time.
 * Resource methods document their own outcomes; this only adds what they leave out.
 * <p>
 * Run per request of the document: with at least one such filter Quarkus filters a fresh copy of
 * the model and writes it out when /q/openapi is asked for, instead of writing the whole document
 * as JSON and as YAML in every cold start, for an endpoint registrants never call (docs/runtime.md).
 * Moving this filter to another stage, or removing it, brings that work back into the start.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class ProblemResponsesDocumentation implements OASFilter {

    private static final String REGISTRATION_CALLS = "/v1/registrations/{id}";
    private static final String OPERATOR_CALLS = "/v1/admin";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations()
                .forEach((method, operation) -> document(path, method, operation)));
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation) {
        APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses() : operation.getResponses();
        operation.setResponses(responses);
        boolean hasBody = operation.getRequestBody() != null;
        // ProblemMappers: malformed JSON, unknown or mistyped fields; JAX-RS content negotiation.
        if (hasBody) {
            add(responses, "400", "Malformed JSON, unknown or invalid fields (all listed in errors)");
            add(responses, "415", "The body is not application/json");
        }
        boolean hasQuery = operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(p -> p.getIn() == Parameter.In.QUERY);
        if (hasQuery) {
            add(responses, "400", "A query parameter is out of range or malformed");
        }
        add(responses, "406", "The client does not accept application/json");
        // Deadline, pool and dependency faults (Faults.isTransient): retry later with the same request.
        addWithHeader(responses, "503", "Overloaded, or the database or storage is unavailable: retry after Retry-After seconds",
                "Retry-After", "Seconds to wait before retrying", true);
        if (path.startsWith(REGISTRATION_CALLS)) {
            addWithHeader(responses, "401", "Registration token missing or wrong", "WWW-Authenticate", "Bearer", false);
            add(responses, "404", "The token belongs to another registration, or no such registration");
            // A withdrawal ends every later call with its token, but withdrawing again is 204; a void ends
            // every call; retention's erasure ends every call that would add personal data (RegistrationAccess).
            add(responses, "410", method == PathItem.HttpMethod.DELETE
                    ? "voided: an operator voided the registration (made with someone else's identity)"
                    : "withdrawn: the registration was withdrawn and its personal data erased (or, for a call that would"
                            + " add personal data, retention erased it); or voided: an operator voided it"
                            + " (made with someone else's identity)");
        }
        if (path.startsWith(OPERATOR_CALLS)) {
            add(responses, "401", "The X-Operator-Key header is missing");
            add(responses, "403", "The operator key is wrong");
            if (path.contains("{")) {
                add(responses, "404", "No such wave");
            }
        }
    }

    private static void add(APIResponses responses, String status, String description) {
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, problem(description));
        }
    }

    private static void addWithHeader(APIResponses responses, String status, String description, String header,
            String headerDescription, boolean required) {
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, problem(description));
        }
        APIResponse response = responses.getAPIResponse(status);
        if (response.getHeaders() == null || !response.getHeaders().containsKey(header)) {
            Header documented = OASFactory.createHeader().description(headerDescription).required(required)
                    .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING));
            response.setHeaders(response.getHeaders() == null ? Map.of(header, documented)
                    : merge(response.getHeaders(), header, documented));
        }
    }

    private static Map<String, Header> merge(Map<String, Header> headers, String name, Header header) {
        Map<String, Header> merged = new java.util.LinkedHashMap<>(headers);
        merged.put(name, header);
        return merged;
    }

    private static APIResponse problem(String description) {
        Content content = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem")));
        return OASFactory.createAPIResponse().description(description).content(content);
    }
}
