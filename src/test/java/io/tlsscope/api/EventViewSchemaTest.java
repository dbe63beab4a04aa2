package io.tlsscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written OpenAPI schema of the event stream must name exactly the JSON fields sent. */
class EventViewSchemaTest {

    @Test
    void schemasListExactlyTheRecordComponents() throws IOException {
        JsonNode schemas;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/openapi.json")) {
            schemas = new ObjectMapper().readTree(in).at("/components/schemas");
        }
        assertFields(schemas.get("TlsDataEvent"), EventView.class);
        assertFields(schemas.get("LibraryRef"), io.tlsscope.events.LibraryRef.class);
        assertFields(schemas.get("ConnectionRef"), EventView.ConnectionRef.class);
        assertFields(schemas.get("QueryEvent"), QueryView.class);
        assertFields(schemas.get("QueryConnection"), QueryView.QueryConnection.class);
        assertFields(schemas.get("CopySummary"), io.tlsscope.protocol.QueryEvent.CopySummary.class);
        assertFields(schemas.get("Host"), io.tlsscope.host.HostIdentity.class);
        assertFields(schemas.get("Alert"), AlertView.class);
        assertFields(schemas.get("ProcessRef"), AlertView.ProcessRef.class);
    }

    private static void assertFields(JsonNode schema, Class<? extends Record> record) {
        List<String> documented = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(documented::add);
        assertThat(documented).as(record.getSimpleName())
                .containsExactlyElementsOf(Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList());
    }
}
