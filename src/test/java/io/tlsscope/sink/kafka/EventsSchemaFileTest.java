package io.tlsscope.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * openapi/events.schema.json, the published JSON Schema of the Kafka records' values (and of the
 * SSE events), is the OpenAPI document's event schemas (src/main/resources/META-INF/openapi.json,
 * kept equal to the JSON views by EventViewSchemaTest) made strict: no field beyond the documented
 * ones, and the type field telling the kinds apart. Its $id carries the version the records' headers
 * carry. This test derives it and compares; after a change of the views, copy target/events.schema.json.
 */
class EventsSchemaFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path COMMITTED = Path.of("openapi/events.schema.json");
    /** The JSON type of each kind of event, and its schema in the OpenAPI document. */
    private static final Map<String, String> KINDS = Map.of("query", "QueryEvent", "tls-data", "TlsDataEvent");

    @Test
    void theCommittedSchemaIsTheOpenApiEventSchemasMadeStrict() throws IOException {
        JsonNode derived = derive();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/events.schema.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(derived) + "\n");
        assertThat(JSON.readTree(COMMITTED.toFile()))
                .as("openapi/events.schema.json is out of date: copy target/events.schema.json over it (bump the version for a change that is not an addition)")
                .isEqualTo(derived);
    }

    static JsonNode derive() throws IOException {
        JsonNode schemas;
        try (InputStream in = EventsSchemaFileTest.class.getResourceAsStream("/META-INF/openapi.json")) {
            schemas = JSON.readTree(in).at("/components/schemas");
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$id", "urn:tlsscope:events:" + BusFeed.SCHEMA_VERSION);
        root.put("title", "tlsscope event, schema version " + BusFeed.SCHEMA_VERSION);
        root.put("description", "One event as the Kafka sink sends it (record value; header schema-version = "
                + BusFeed.SCHEMA_VERSION + ") and as GET /api/v1/events streams it. Fields may be added within a version;"
                + " a field removed, renamed or retyped makes a new version.");
        ArrayNode kinds = root.putArray("oneOf");
        KINDS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(kind -> {
            ObjectNode alternative = kinds.addObject();
            alternative.put("$ref", "#/$defs/" + kind.getValue());
            alternative.putObject("properties").putObject("type").put("const", kind.getKey());
            alternative.putArray("required").add("type");
        });
        ObjectNode defs = root.putObject("$defs");
        schemas.fieldNames().forEachRemaining(name -> defs.set(name, strict(schemas.get(name).deepCopy())));
        return root;
    }

    /** No property beyond the documented ones, references into $defs; recursively. */
    private static JsonNode strict(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties")) {
                object.put("additionalProperties", false);
            }
            if (object.get("$ref") instanceof TextNode ref) {
                object.put("$ref", ref.asText().replace("#/components/schemas/", "#/$defs/"));
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                strict(fields.next().getValue());
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(EventsSchemaFileTest::strict);
        }
        return node;
    }
}
