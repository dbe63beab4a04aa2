package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.discovery.LibraryRegistry;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TlsPair;
import io.tlsscope.testsupport.TracerApi;
import io.tlsscope.tracer.TracerControlException;
import io.tlsscope.tracer.Tracer;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong layout forced on a library through the tracer's core API is still validated in the
 * kernel: the system libssl 3.0 forced to the 1.1.1 layout reads BIO->flags as the fd, which names
 * no socket of the process (counted), so every event keeps its true fd from the other methods.
 */
@QuarkusTest
class ForcedLayoutTest {
    private static final Path SYSTEM_LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");

    @Inject
    Tracer tracer;

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
            LibraryRegistry.LibraryView forced = tracer.forceLayout(inode, Optional.of("openssl-1.1.1"));
            assertThat(forced.layout()).isEqualTo("openssl-1.1.1");
            assertThat(forced.layoutSource()).isEqualTo("forced");
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
            LibraryRegistry.LibraryView detected = tracer.forceLayout(inode, Optional.empty());
            assertThat(detected.layout()).isEqualTo("openssl-3.0");
            assertThat(detected.layoutSource()).isEqualTo("detected");
        }
    }

    @Test
    void unknownLayoutsAndInodesAreRefusedWithTheReason() {
        long inode = given().get("/api/v1/libraries").jsonPath().getList("inode", Long.class).stream().findFirst().orElse(1L);
        assertThatThrownBy(() -> tracer.forceLayout(inode, Optional.of("openssl-9.9")))
                .isInstanceOfSatisfying(TracerControlException.class, e -> {
                    assertThat(e.reason()).isEqualTo(TracerControlException.Reason.UNKNOWN_LAYOUT);
                    assertThat(e.getMessage()).contains("openssl-9.9").contains("openssl-3.0");
                });
        assertThatThrownBy(() -> tracer.forceLayout(-5, Optional.of("openssl-3.0")))
                .isInstanceOfSatisfying(TracerControlException.class, e ->
                        assertThat(e.reason()).isEqualTo(TracerControlException.Reason.UNKNOWN_LIBRARY));
    }

    private static List<JsonNode> events(SseCollector sse, long pid) {
        return sse.events(event -> event.get("pid").asLong() == pid && event.path("text").asText().startsWith("forced-"));
    }
}
