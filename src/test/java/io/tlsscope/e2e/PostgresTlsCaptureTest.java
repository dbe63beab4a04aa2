package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.conn.ProcNetTcp;
import io.tlsscope.conn.TcpTuple;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.PsqlSession;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end on the real kernel: the service's tracer, a real PostgreSQL 15 with ssl=on and a real
 * psql with sslmode=require. What psql sends and what the backend receives must arrive on the SSE
 * stream exactly, with the right pid, fd (checked against /proc) and TCP 4-tuple.
 */
@QuarkusTest
class PostgresTlsCaptureTest {
    private static final Path PROC = Path.of("/proc");
    private static final Duration CAPTURE_WAIT = Duration.ofSeconds(20);

    private static PostgresTlsServer server;

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    @BeforeAll
    static void startPostgres() {
        server = PostgresTlsServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void capturesQueryFromClientWriteAndServerRead() throws IOException {
        TracerApi.awaitLibraryUsedBy(server.postmasterPid());
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(eventsUri); SseCollector secondClient = new SseCollector(eventsUri);
             PsqlSession psql = server.openPsql()) {
            TracerApi.awaitSseClients(clientsBefore + 2);
            long backendPid = psql.backendPid();
            String marker = "marker-" + UUID.randomUUID();
            assertThat(psql.query("SELECT '" + marker + "';").trim()).isEqualTo(marker);

            byte[] queryMessage = queryMessage(loggedStatement(marker));
            Await.until(CAPTURE_WAIT, "psql's SSL_write and the backend's SSL_read of the marker query", () ->
                    contains(stream(sse, psql.pid(), "write"), queryMessage)
                            && contains(stream(sse, backendPid, "read"), queryMessage));

            JsonNode clientEvent = firstEventContaining(sse, psql.pid(), "write", marker);
            JsonNode serverEvent = firstEventContaining(sse, backendPid, "read", marker);
            assertThat(clientEvent.get("comm").asText()).isEqualTo("psql");
            assertThat(serverEvent.get("comm").asText()).startsWith("postgres");
            assertThat(clientEvent.get("function").asText()).startsWith("SSL_write");
            assertThat(serverEvent.get("function").asText()).startsWith("SSL_read");
            assertFdIsTheRealSocket(clientEvent, psql.pid());
            assertFdIsTheRealSocket(serverEvent, backendPid);
            // the two ends of one connection: each one's source is the other's destination
            assertThat(clientEvent.at("/connection/source").asText()).isEqualTo(serverEvent.at("/connection/destination").asText());
            assertThat(clientEvent.at("/connection/destination").asText()).isEqualTo("127.0.0.1:" + server.port());
            assertThat(clientEvent.at("/library/inode").asLong()).isEqualTo(serverEvent.at("/library/inode").asLong());
            // every SSE client gets every event
            Await.until(CAPTURE_WAIT, "the second SSE client to get the query too", () ->
                    contains(stream(secondClient, psql.pid(), "write"), queryMessage));
        }
    }

    @Test
    void capturesA100KilobyteQueryWhole() {
        TracerApi.awaitLibraryUsedBy(server.postmasterPid());
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(eventsUri); PsqlSession psql = server.openPsql()) {
            TracerApi.awaitSseClients(clientsBefore + 1);
            long backendPid = psql.backendPid();
            String marker = "big-" + UUID.randomUUID();
            String literal = marker + "x".repeat(100 * 1024);
            assertThat(psql.query("SELECT length('" + literal + "');").trim()).isEqualTo(Integer.toString(literal.length()));

            byte[] queryMessage = queryMessage(loggedStatement(marker));
            assertThat(queryMessage.length).isGreaterThan(100 * 1024);
            Await.until(CAPTURE_WAIT, "the 100 KB query on both sides", () ->
                    contains(stream(sse, psql.pid(), "write"), queryMessage)
                            && contains(stream(sse, backendPid, "read"), queryMessage));
            // psql hands the whole message to one SSL_write: it must arrive as one call in chunks
            JsonNode first = firstEventContaining(sse, psql.pid(), "write", marker);
            List<JsonNode> call = sse.events(event -> event.get("callId").asText().equals(first.get("callId").asText()));
            assertThat(call).hasSizeGreaterThan(1);
            assertThat(call).extracting(event -> event.get("chunk").asInt()).isSorted();
            assertThat(call.getLast().get("lastChunk").asBoolean()).isTrue();
            assertThat(call).allSatisfy(event -> assertThat(event.get("truncated").asBoolean()).isFalse());
        }
    }

    /** The statement exactly as the server logged it (log_statement=all): the ground truth. */
    private static String loggedStatement(String marker) {
        Pattern statement = Pattern.compile("statement: (.*" + Pattern.quote(marker) + ".*)$", Pattern.MULTILINE);
        Await.until(Duration.ofSeconds(10), "the server to log the statement", () -> statement.matcher(server.serverLog()).find());
        Matcher matcher = statement.matcher(server.serverLog());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    /** PostgreSQL v3 simple Query message: 'Q', int32 length (itself included), text, NUL. */
    private static byte[] queryMessage(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + text.length + 1).put((byte) 'Q').putInt(4 + text.length + 1).put(text).put((byte) 0).array();
    }

    /** Everything captured for one process and direction, in arrival order. */
    private static byte[] stream(SseCollector sse, long pid, String direction) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        sse.events(event -> event.get("pid").asLong() == pid && event.get("direction").asText().equals(direction))
                .forEach(event -> bytes.writeBytes(Base64.getDecoder().decode(event.get("base64").asText())));
        return bytes.toByteArray();
    }

    private static JsonNode firstEventContaining(SseCollector sse, long pid, String direction, String text) {
        return sse.events(event -> event.get("pid").asLong() == pid && event.get("direction").asText().equals(direction)
                        && new String(Base64.getDecoder().decode(event.get("base64").asText()), StandardCharsets.ISO_8859_1).contains(text))
                .getFirst();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int start = 0; start <= haystack.length - needle.length; start++) {
            for (int i = 0; i < needle.length; i++) {
                if (haystack[start + i] != needle[i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The event's fd must be a socket of pid whose 4-tuple in /proc/net/tcp is the event's. */
    private static void assertFdIsTheRealSocket(JsonNode event, long pid) throws IOException {
        int fd = event.get("fd").asInt();
        assertThat(fd).as("fd of %s", event).isGreaterThanOrEqualTo(0);
        assertThat(event.get("fdMethod").asText()).isNotEqualTo("none");
        String link = Files.readSymbolicLink(PROC.resolve(pid + "/fd/" + fd)).toString();
        assertThat(link).startsWith("socket:[");
        long inode = Long.parseLong(link.substring("socket:[".length(), link.length() - 1));
        TcpTuple real = ProcNetTcp.socketsOf(PROC, (int) pid).get(inode);
        assertThat(real).as("socket inode %d of pid %d in /proc/net/tcp", inode, pid).isNotNull();
        assertThat(event.at("/connection/source").asText()).isEqualTo(TcpTuple.format(real.source()));
        assertThat(event.at("/connection/destination").asText()).isEqualTo(TcpTuple.format(real.destination()));
    }
}
