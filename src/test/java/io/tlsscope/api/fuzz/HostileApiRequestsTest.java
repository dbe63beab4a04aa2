package io.tlsscope.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.TestTokens;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Hostile input for every operation of the committed openapi/openapi.json, sent to the live
 * service with its real tracer, with an admin token, a viewer token, an unknown one and none:
 * valid, boundary and malformed path and query parameters, headers and bodies, wrong content
 * types ({@link HostileRequests}). Every response must be documented for its operation and match
 * the documented schema (com.networknt:json-schema-validator, JSON Schema 2020-12 as OpenAPI 3.1
 * uses it): no 5xx, no undocumented status, every error an application/problem+json problem with
 * that status. The generator is seeded (tlsscope.api.seed, default fixed); a failure names the
 * seed and the request. Hand-written generation instead of a property-testing library: see
 * docs/design.md, "Hostile API input".
 */
@QuarkusTest
class HostileApiRequestsTest {
    private static final int TRIES_PER_OPERATION_AND_TOKEN = 40;
    private static final long SEED = Long.getLong("tlsscope.api.seed", 20261201L);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEM = "application/problem+json";
    /** Tokens: admin, viewer, one the service does not know, and none. */
    private static final List<String> TOKENS = Arrays.asList(TestTokens.ADMIN, TestTokens.VIEWER, "not-a-known-token", null);

    @TestHTTPResource("/")
    URI base;

    @Test
    void everyOperationAnswersHostileRequestsAsDocumented() throws Exception {
        JsonNode document = JSON.readTree(Files.readString(Path.of("openapi/openapi.json")));
        ResponseSchemas schemas = new ResponseSchemas(document);
        List<Long> inodes = new ArrayList<>();
        get("/api/v1/libraries").forEach(library -> inodes.add(library.path("inode").asLong()));
        List<String> layouts = new ArrayList<>();
        get("/api/v1/layouts").forEach(layout -> layouts.add(layout.path("name").asText()));
        Map<String, String> violations = new TreeMap<>();
        int sent = 0;
        try {
            int stream = 0;
            for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
                for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                    String method = operation.getKey().toUpperCase(java.util.Locale.ROOT);
                    for (String token : TOKENS) {
                        long seed = SEED + stream++;
                        HostileRequests requests = new HostileRequests(new Random(seed), inodes, layouts);
                        for (int i = 0; i < TRIES_PER_OPERATION_AND_TOKEN; i++) {
                            HostileRequests.Request request = requests.next(method, path.getKey(), operation.getValue());
                            Answer answer = send(request, token);
                            sent++;
                            String where = method + " " + path.getKey();
                            for (String problem : schemas.check(where, operation.getValue(), answer)) {
                                violations.putIfAbsent(where + ": " + problem, "seed " + seed + ", try " + i + ", token "
                                        + token + ": " + request + " -> " + answer.status() + " " + answer.contentType() + " "
                                        + abbreviate(answer.body()));
                            }
                        }
                    }
                }
            }
        } finally {
            restore(inodes);
        }
        assertThat(sent).isGreaterThan(1000);
        assertThat(violations).as("responses that break the documented contract (each with one example)").isEmpty();
    }

    /**
     * A filter of 1 MiB: refused with a problem naming it, not held by a subscription and run
     * against every event (docs/design.md, "Hostile API input").
     */
    @Test
    void aMegabyteFilterIsRefusedWithAProblemNamingIt() throws Exception {
        Answer answer = send(new HostileRequests.Request("GET", "/api/v1/events?type=query&contains=" + "x".repeat(1 << 20),
                Map.of(), null), TestTokens.VIEWER);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith(PROBLEM);
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.path("field").asText()).isEqualTo("contains");
        assertThat(problem.path("detail").asText()).isEqualTo("contains has at most 1024 characters, was 1048576");
    }

    record Answer(int status, String contentType, String body) {
    }

    private Answer send(HostileRequests.Request request, String token) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + request.path()))
                .timeout(Duration.ofSeconds(20))
                .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        request.headers().forEach(builder::header);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        try (InputStream body = response.body()) {
            // an event stream never ends: its first bytes show it started; anything else is read whole
            byte[] bytes = contentType.startsWith("text/event-stream") ? body.readNBytes(8) : body.readAllBytes();
            return new Answer(response.statusCode(), contentType, new String(bytes, StandardCharsets.UTF_8));
        }
    }

    /** Switches back what the admin requests may have switched: the Go probes on, no forced layout, every process in scope. */
    private void restore(List<Long> inodes) throws IOException, InterruptedException {
        send(new HostileRequests.Request("PUT", "/api/v1/hooks/go", Map.of("Content-Type", "application/json"),
                "{\"enabled\": true}"), TestTokens.ADMIN);
        send(new HostileRequests.Request("PUT", "/api/v1/scope", Map.of("Content-Type", "application/json"),
                "{\"executables\": [], \"comms\": [], \"cgroups\": [], \"users\": []}"), TestTokens.ADMIN);
        for (long inode : inodes) {
            send(new HostileRequests.Request("DELETE", "/api/v1/libraries/" + inode + "/layout", Map.of(), null), TestTokens.ADMIN);
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        Answer answer = send(new HostileRequests.Request("GET", path, Map.of(), null), TestTokens.ADMIN);
        assertThat(answer.status()).as(path).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /** The documented responses of the document's operations, as validators. */
    static final class ResponseSchemas {
        private final tools.jackson.databind.JsonNode components;
        private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        private final tools.jackson.databind.ObjectMapper json = new tools.jackson.databind.ObjectMapper();

        ResponseSchemas(JsonNode document) {
            this.components = json.readTree(document.path("components").toString());
        }

        List<String> check(String where, JsonNode operation, Answer answer) {
            List<String> problems = new ArrayList<>();
            if (answer.status() >= 500) {
                problems.add("answered " + answer.status());
            }
            JsonNode documented = operation.path("responses").path(Integer.toString(answer.status()));
            if (documented.isMissingNode()) {
                problems.add("undocumented status " + answer.status());
                return problems;
            }
            tools.jackson.databind.JsonNode body = null;
            if (answer.contentType().contains("json")) {
                try {
                    body = json.readTree(answer.body());
                } catch (tools.jackson.core.JacksonException notJson) {
                    problems.add(answer.status() + " says JSON but is not: " + notJson.getOriginalMessage());
                    return problems;
                }
            }
            if (answer.status() >= 400) {
                if (!answer.contentType().startsWith(PROBLEM)) {
                    problems.add(answer.status() + " is not " + PROBLEM);
                    return problems;
                }
                if (body.path("status").asInt(-1) != answer.status()) {
                    problems.add(answer.status() + " problem with another status");
                }
            }
            JsonNode content = documented.path("content");
            if (content.isEmpty()) {
                if (answer.status() >= 400) {
                    problems.add(answer.status() + " documented without its " + PROBLEM + " content");
                }
                return problems;
            }
            String mediaType = answer.contentType().replaceAll(";.*", "").strip();
            if (!content.has(mediaType)) {
                List<String> documentedTypes = new ArrayList<>();
                content.fieldNames().forEachRemaining(documentedTypes::add);
                problems.add(answer.status() + " as " + mediaType + ", documented as " + documentedTypes);
                return problems;
            }
            if (body != null) {
                schema(content.path(mediaType).path("schema")).validate(body).forEach(error ->
                        problems.add(answer.status() + " body breaks its schema at " + error.getInstanceLocation() + ": "
                                + error.getMessage()));
            }
            return problems;
        }

        /** The documented schema, with the document's components beside it so that its $refs resolve. */
        private Schema schema(JsonNode documented) {
            tools.jackson.databind.node.ObjectNode schema = (tools.jackson.databind.node.ObjectNode) json.readTree(documented.toString());
            schema.set("components", components);
            return registry.getSchema(schema.toString(), com.networknt.schema.InputFormat.JSON);
        }
    }
}
