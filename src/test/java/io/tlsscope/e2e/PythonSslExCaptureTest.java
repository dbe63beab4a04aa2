package io.tlsscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TlsPair;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSL_write_ex / SSL_read_ex with the real system libssl: Python's ssl module uses the _ex forms.
 * One python3 process (fixtures/tls-pair.py) holds both ends of a TLS connection over loopback and
 * sends a marker each way; both directions must arrive exactly, from the _ex functions, on its fds.
 */
@QuarkusTest
class PythonSslExCaptureTest {

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    @Test
    void capturesBothDirectionsOfTheExFunctions(@TempDir Path directory) throws Exception {
        SelfSignedCertificate tls = SelfSignedCertificate.createIn(directory);
        String request = "request-" + UUID.randomUUID();
        String reply = "reply-" + UUID.randomUUID();

        long clientsBefore = TracerApi.sseClients();
        try (TlsPair python = TlsPair.start(List.of(), tls, request, reply);
             SseCollector sse = new SseCollector(eventsUri)) {
            int clientFd = python.clientFd();
            int serverFd = python.serverFd();
            // python3 was exec'd a moment ago: wait until discovery has put the probes on its libssl
            TracerApi.awaitLibraryUsedBy(python.pid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            python.exchange();

            Await.until(Duration.ofSeconds(15), "both _ex writes captured", () ->
                    find(sse, python.pid(), "SSL_write_ex", request).size() == 1 && find(sse, python.pid(), "SSL_write_ex", reply).size() == 1);
            Await.until(Duration.ofSeconds(15), "both _ex reads captured", () ->
                    find(sse, python.pid(), "SSL_read_ex", request).size() == 1 && find(sse, python.pid(), "SSL_read_ex", reply).size() == 1);
            assertThat(find(sse, python.pid(), "SSL_write_ex", request).getFirst().get("fd").asInt()).isEqualTo(clientFd);
            assertThat(find(sse, python.pid(), "SSL_read_ex", request).getFirst().get("fd").asInt()).isEqualTo(serverFd);
            assertThat(find(sse, python.pid(), "SSL_write_ex", reply).getFirst().get("fd").asInt()).isEqualTo(serverFd);
            assertThat(find(sse, python.pid(), "SSL_read_ex", reply).getFirst().get("fd").asInt()).isEqualTo(clientFd);
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + python.pid() + "/fd/" + clientFd)).toString()).startsWith("socket:[");
        }
    }

    /** Events of pid from function whose payload is exactly text. */
    private static List<JsonNode> find(SseCollector sse, long pid, String function, String text) {
        return sse.events(event -> event.get("pid").asLong() == pid && event.get("function").asText().equals(function)
                && new String(Base64.getDecoder().decode(event.get("base64").asText()), StandardCharsets.UTF_8).equals(text));
    }
}
