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
        assertThat(committed)
                .as("openapi/openapi.json is out of date: build (./mvnw package), then commit openapi/")
                .isEqualTo(served);
    }
}
