package io.tlsscope.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Commands;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * openapi/openapi.json is committed so that clients can be generated without running the service.
 * The build writes it afresh (quarkus.smallrye-openapi.store-schema-directory), so the committed
 * version is read from git: it must equal what the running service serves.
 */
@QuarkusTest
class OpenApiFileTest {

    @Test
    void theCommittedDocumentIsTheServedOne() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode served = json.readTree(given().queryParam("format", "json").get("/q/openapi").asString());
        JsonNode committed = json.readTree(Commands.run(List.of("git", "show", "HEAD:openapi/openapi.json")));
        List<String> differing = new java.util.ArrayList<>();
        for (String section : List.of("/paths", "/components/schemas", "/components/securitySchemes", "/info", "/security")) {
            JsonNode mine = committed.at(section);
            JsonNode theirs = served.at(section);
            java.util.Set<String> names = new java.util.TreeSet<>();
            mine.fieldNames().forEachRemaining(names::add);
            theirs.fieldNames().forEachRemaining(names::add);
            names.stream().filter(name -> !mine.path(name).equals(theirs.path(name))).forEach(name -> differing.add(section + "/" + name));
        }
        assertThat(differing).as("openapi/openapi.json is out of date: build (./mvnw package), then commit openapi/; differing")
                .isEmpty();
        assertThat(committed).as("the whole document").isEqualTo(served);
    }
}
