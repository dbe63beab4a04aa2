package io.tlsscope.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The published event schema, openapi/events.schema.json, as a validator (JSON Schema 2020-12). */
public final class EventSchema {
    private static final Schema SCHEMA = load();

    private EventSchema() {
    }

    private static Schema load() {
        try (InputStream in = Files.newInputStream(Path.of("openapi/events.schema.json"))) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException("read openapi/events.schema.json", e);
        }
    }

    /** What is wrong with the event by the schema; empty when it conforms. */
    public static List<String> violations(JsonNode event) {
        return SCHEMA.validate(event.toString(), InputFormat.JSON).stream().map(Object::toString).toList();
    }
}
