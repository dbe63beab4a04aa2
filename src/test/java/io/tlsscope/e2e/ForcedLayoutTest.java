package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TlsPair;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong layout forced on a library through the API (PUT /api/v1/libraries/{inode}/layout) is
 * still validated in the kernel: the system libssl 3.0 forced to the 1.1.1 layout reads
 * BIO->flags as the fd, which names no socket of the process (counted), so every event keeps its
 * true fd from the other methods. DELETE returns the library to detection.
 */
@QuarkusTest
class ForcedLayoutTest {
    private static final Path SYSTEM_LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    @Test
    void aWrongForcedLayoutMisattributesNothingAndIsCounted(@TempDir Path directory) throws Exception {
        long inode = (Long) Files.readAttributes(SYSTEM_LIBSSL, "unix:ino").get("ino");
        SelfSignedCertificate tls = SelfSignedCertificate.createIn(directory);
        String request = "forced-request-" + UUID.randomUUID();
        String reply = "forced-reply-" + UUID.randomUUID();
        long clientsBefore = TracerApi.sseClients();
        try (TlsPair python = TlsPair.start(List.of(), tls, request, reply);
             SseCollector sse = new SseCollector(eventsUri)) {
            TracerApi.awaitLibraryUsedBy(python.pid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            given().contentType("application/json").body("{\"layout\": \"openssl-1.1.1\"}")
                    .put("/api/v1/libraries/" + inode + "/layout").then().statusCode(200)
                    .body("layout", equalTo("openssl-1.1.1")).body("layoutSource", equalTo("forced"));
            try {
                long rejectedBefore = TracerApi.counter("kernel.fd.layout-rejected");

                python.exchange();
                Await.until(Duration.ofSeconds(15), "all four events", () -> events(sse, python.pid()).size() >= 4);

                for (JsonNode event : events(sse, python.pid())) {
                    String text = event.get("text").asText();
                    boolean clientSide = text.equals(request) == event.get("direction").asText().equals("write");
                    assertThat(event.get("fd").asInt()).as("fd of %s", event)
                            .isEqualTo(clientSide ? python.clientFd() : python.serverFd());
                    assertThat(event.get("fdMethod").asText()).isNotEqualTo("layout");
                }
                assertThat(TracerApi.counter("kernel.fd.layout-rejected")).isGreaterThanOrEqualTo(rejectedBefore + 4);
                assertThat(given().get("/api/v1/libraries").jsonPath().getString("find { it.inode == " + inode + " }.layoutSource"))
                        .isEqualTo("forced");
            } finally {
                // while the process still maps the library: with no user left it is detached
                given().delete("/api/v1/libraries/" + inode + "/layout").then().statusCode(200)
                        .body("layout", equalTo("openssl-3.0")).body("layoutSource", equalTo("detected"));
            }
        }
    }

    @Test
    void unknownLayoutsAndInodesAreRefusedWithTheReason() throws Exception {
        long inode = (Long) Files.readAttributes(SYSTEM_LIBSSL, "unix:ino").get("ino");
        given().contentType("application/json").body("{\"layout\": \"openssl-9.9\"}").put("/api/v1/libraries/" + inode + "/layout")
                .then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("layout")).body("detail", containsString("openssl-9.9")).body("detail", containsString("openssl-3.0"));
        given().contentType("application/json").body("{\"layout\": \"openssl-3.0\"}").put("/api/v1/libraries/987654321/layout")
                .then().statusCode(404).contentType("application/problem+json").body("field", equalTo("inode"));
    }

    private static List<JsonNode> events(SseCollector sse, long pid) {
        return sse.events(event -> event.get("pid").asLong() == pid && event.path("text").asText().startsWith("forced-"));
    }
}
