package io.tlsscope.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Documents, for every operation under /api, the answers it shares with all others, so that
 * openapi.json names every status a client can get (HostileApiRequestsTest checks it does): 401
 * without a known token and 403 for a change with a viewer token ({@code ApiAccessFilter}), 400
 * for an invalid parameter or body, 415 for a body that is not JSON; and every error of every
 * operation as an RFC 9457 problem ({@link Problem}, application/problem+json). Registered with
 * mp.openapi.filter.
 */
public class ProblemResponses implements OASFilter {
    private static final String SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        openAPI.getComponents().addSchema(SCHEMA, problemSchema());
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.getOperations().forEach(this::document);
            }
        });
    }

    private void document(PathItem.HttpMethod method, Operation operation) {
        APIResponses responses = operation.getResponses();
        boolean hasInput = operation.getRequestBody() != null
                || (operation.getParameters() != null && !operation.getParameters().isEmpty());
        if (hasInput) {
            addIfAbsent(responses, "400", "a parameter or the body is invalid; the problem's field names which");
        }
        addIfAbsent(responses, "401", "no bearer token, or one the service does not know");
        if (method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD) {
            addIfAbsent(responses, "403", "the token's role may only read: changes need the admin role");
        }
        if (operation.getRequestBody() != null) {
            addIfAbsent(responses, "415", "the body is not sent as application/json");
        }
        responses.getAPIResponses().forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                response.setContent(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(SCHEMA))));
            }
        });
    }

    private static void addIfAbsent(APIResponses responses, String status, String description) {
        if (!responses.hasAPIResponse(status)) {
            APIResponse response = OASFactory.createAPIResponse().description(description);
            responses.addAPIResponse(status, response);
        }
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("An RFC 9457 problem: what every error of the API answers with")
                .required(List.of("type", "title", "status"))
                .properties(properties());
    }

    /** In the record's order, so that the stored document does not change from build to build. */
    private static Map<String, Schema> properties() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", string("always about:blank: the status says what kind of problem it is"));
        properties.put("title", string("the status's reason phrase"));
        properties.put("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)).format("int32"));
        properties.put("detail", string("what was wrong, with the values involved"));
        properties.put("field", string("the parameter, path segment, header or body property at fault, when one is"));
        return properties;
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).description(description);
    }
}
