package io.tlsscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.GoToolchain;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database path in Go: a stdlib-only Go client (fixtures/go-pg-query, stripped) speaks the
 * PostgreSQL protocol over crypto/tls to the test PostgreSQL. Its query leaves through Go's
 * (*Conn).Write and arrives through the backend's OpenSSL SSL_read, on the two ends of one
 * connection; the result row comes back through Go's (*Conn).Read.
 */
@QuarkusTest
class GoPostgresClientTest {

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    @Test
    void aGoClientsQueryIsCapturedOnBothEnds(@TempDir Path directory) throws Exception {
        Path client = GoToolchain.debian119().build("go-pg-query", directory.resolve("go-pg-query"), true);
        String marker = "go-marker-" + UUID.randomUUID();
        String sql = "SELECT '" + marker + "'";
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(eventsUri)) {
            Process go = new ProcessBuilder(client.toString(), "127.0.0.1:" + server.port(), "postgres", "postgres", sql)
                    .redirectErrorStream(true).start();
            try {
                BufferedReader output = new BufferedReader(new InputStreamReader(go.getInputStream(), StandardCharsets.UTF_8));
                assertThat(output.readLine()).isEqualTo("ready");
                TracerApi.awaitLibraryUsedBy(go.pid());
                TracerApi.awaitSseClients(clientsBefore + 1);
                go.outputWriter().write("go\n");
                go.outputWriter().flush();
                assertThat(output.readLine()).isEqualTo(marker);
                assertThat(output.readLine()).isEqualTo("done");

                Await.until(Duration.ofSeconds(15), "the query from Go and at the backend, and the row back", () ->
                        !carrying(sse, go.pid(), "crypto/tls.(*Conn).Write", sql).isEmpty()
                                && !backendReads(sse, sql).isEmpty()
                                && !carrying(sse, go.pid(), "crypto/tls.(*Conn).Read", marker).isEmpty());
                JsonNode sent = carrying(sse, go.pid(), "crypto/tls.(*Conn).Write", sql).getFirst();
                JsonNode received = backendReads(sse, sql).getFirst();
                assertThat(sent.get("fdMethod").asText()).isIn("go-conn", "cached");
                assertThat(sent.at("/connection/destination").asText()).isEqualTo("127.0.0.1:" + server.port());
                assertThat(received.at("/connection/source").asText()).isEqualTo(sent.at("/connection/destination").asText());
                assertThat(received.at("/connection/destination").asText()).isEqualTo(sent.at("/connection/source").asText());
            } finally {
                go.destroyForcibly();
            }
        }
    }

    private static List<JsonNode> carrying(SseCollector sse, long pid, String function, String text) {
        return sse.events(event -> event.get("pid").asLong() == pid && event.get("function").asText().equals(function)
                && decoded(event).contains(text));
    }

    private static List<JsonNode> backendReads(SseCollector sse, String sql) {
        return sse.events(event -> event.get("comm").asText().equals("postgres") && event.get("direction").asText().equals("read")
                && decoded(event).contains(sql));
    }

    private static String decoded(JsonNode event) {
        return new String(Base64.getDecoder().decode(event.get("base64").asText()), StandardCharsets.ISO_8859_1);
    }
}
