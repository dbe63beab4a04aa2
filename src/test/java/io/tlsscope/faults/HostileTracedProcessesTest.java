package io.tlsscope.faults;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.Commands;
import io.tlsscope.testsupport.MariaDbTlsServer;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import io.tlsscope.tracer.Tracer;
import io.tlsscope.tracer.TracerState;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traced processes that behave badly, against the tracer running in this JVM: seeded random bytes
 * over TLS to a real PostgreSQL 15 and MariaDB 10.11 port (fixtures/faults/garbage_client.py), 1 GiB
 * in one SSL_write (big_write.py), and short TLS connections at 10,000 a minute
 * (short_connections.py). After each: the service is ready and tracing, no decoder or record
 * handler threw, the heap did not grow with what passed, and a marker statement run afterwards on
 * a new connection by psql and by the mariadb client (both linking the system libssl) becomes a
 * query event from the client's end and from the server's.
 *
 * <p>The garbage first showed a stuck decoder: a MariaDB server reads each packet's header in one
 * SSL_read and its payload in the next, so once its decoder lost the stream on a packet that was
 * no command, no call ever started with a whole packet again and the rest of the connection went
 * undecoded. The statement run after the garbage on the same connection checks that it resumes.
 *
 * <p>The service shares this JVM with the test, so heap figures include the test's own objects;
 * the bounds are far below what was pushed through (1 GiB), and far above what the bus is allowed
 * to keep for replay (64 MiB of captured bytes).
 */
@QuarkusTest
class HostileTracedProcessesTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    /** The figure; the write costs a few seconds here (encryption and the loopback copy, not the tracer). */
    private static final long ONE_GIB = 1L << 30;
    /** The rate, 10,000 connections a minute, for 12 s: long enough to be a flood, short enough for the suite. */
    private static final int PER_MINUTE = 10_000;
    private static final int SHORT_CONNECTIONS = 2_000;
    /** Heap growth allowed across one hostile run: the bus's replay bound (64 MiB of bytes) and as much again. */
    private static final long HEAP_GROWTH_BOUND = 128L << 20;
    private static final String MARIADB_USER = "hostile";

    private static PostgresTlsServer postgres;
    private static MariaDbTlsServer mariaDb;

    @Inject
    Tracer tracer;

    @Inject
    TlsscopeConfig config;

    @TestHTTPResource("/api/v1/events?type=query")
    URI queryEvents;

    @TestHTTPResource("/api/v1/events?type=raw&comm=python3")
    URI pythonCalls;

    @BeforeAll
    static void startDatabases() {
        postgres = PostgresTlsServer.start();
        mariaDb = MariaDbTlsServer.start();
        mariaDb.sql("CREATE USER " + MARIADB_USER + "@'127.0.0.1' IDENTIFIED BY ''");
    }

    @AfterAll
    static void stopDatabases() {
        if (mariaDb != null) {
            mariaDb.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void randomBytesToBothDatabasePortsAreFramedAsGarbageAndTheDecodersResynchronise() throws Exception {
        Map<String, Long> before = counters();
        try (SseCollector queries = subscribeToQueries()) {
            TracerApi.awaitLibraryUsedBy(postgres.postmasterPid());
            TracerApi.awaitLibraryUsedBy(mariaDb.serverPid());

            try (ScriptProcess client = ScriptProcess.start("garbage_client.py", "postgres", Integer.toString(postgres.port()), "14")) {
                client.awaitLine("done", LIMIT);
            }
            String sameConnection = "after-garbage-" + UUID.randomUUID();
            try (ScriptProcess client = ScriptProcess.start("garbage_client.py", "mariadb", Integer.toString(mariaDb.port()),
                    MARIADB_USER, "14", sameConnection)) {
                assertThat(client.awaitLine("result ", LIMIT)).isEqualTo(sameConnection);
                client.awaitLine("done", LIMIT);
            }
            // a statement after the garbage on the same MariaDB connection: both ends found their footing again
            awaitBothSides(queries, sameConnection);
            Map<String, Long> after = counters();
            // PostgreSQL: a Query stating 2 GiB, seen from both ends; MariaDB: a packet that is no command, from both ends
            assertThat(delta(before, after, "decoder.desyncs")).as("desyncs: %s", deltas(before, after)).isGreaterThanOrEqualTo(4);
            assertStillHealthy(before, after);
            assertMarkersCaptured(queries);
        }
    }

    @Test
    void aGibibyteInOneSslWriteIsCountedAsTruncatedAndLeavesTheHeapAsItWas(@TempDir Path directory) throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.createIn(directory);
        int cap = config.capture().maxBytesPerCall();
        Map<String, Long> before = counters();
        long heapBefore = Memory.heapAfterGc();
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector calls = new SseCollector(pythonCalls); DiscardingTlsPeer peer = DiscardingTlsPeer.start(certificate)) {
            TracerApi.awaitSseClients(clientsBefore + 1);
            try (ScriptProcess writer = ScriptProcess.start("big_write.py", Integer.toString(peer.port()), Long.toString(ONE_GIB))) {
                assertThat(Long.parseLong(writer.awaitLine("wrote ", Duration.ofSeconds(60)))).as("bytes of the one SSL_write").isEqualTo(ONE_GIB);
                assertThat(peer.awaitReceived(LIMIT)).as("bytes of TLS records the peer received").isGreaterThan(ONE_GIB);

                Await.until(LIMIT, "the last captured chunk of the writer's call", () -> !lastChunks(calls, writer.pid()).isEmpty());
                List<JsonNode> lastChunks = lastChunks(calls, writer.pid());
                assertThat(lastChunks).as("calls of the writer that moved data").hasSize(1);
                JsonNode last = lastChunks.getFirst();
                assertThat(last.get("callBytes").asLong()).isEqualTo(ONE_GIB);
                assertThat(last.get("truncated").asBoolean()).isTrue();
                List<JsonNode> chunks = calls.events(event -> event.get("callId").asText().equals(last.get("callId").asText()));
                assertThat(chunks.stream().mapToLong(chunk -> chunk.get("length").asLong()).sum()).as("bytes captured of the call")
                        .isEqualTo(cap);
                assertThat(SecretSearch.captured(chunks.getFirst())).startsWith("big-write " + ONE_GIB + "\n");
            }
        }
        Map<String, Long> after = counters();
        assertThat(delta(before, after, "kernel.truncated.calls")).isGreaterThanOrEqualTo(1);
        assertThat(delta(before, after, "kernel.truncated.bytes")).as("bytes beyond the cap").isGreaterThanOrEqualTo(ONE_GIB - cap);
        assertThat(Memory.heapAfterGc() - heapBefore).as("heap growth in bytes").isLessThan(HEAP_GROWTH_BOUND);
        assertStillHealthy(before, after);
        try (SseCollector queries = subscribeToQueries()) {
            assertMarkersCaptured(queries);
        }
    }

    @Test
    void tenThousandShortConnectionsAMinuteLeaveNoConnectionStateBehind(@TempDir Path directory) throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.createIn(directory);
        Map<String, Long> before = counters();
        long heapBefore = Memory.heapAfterGc();
        try (ScriptProcess flood = ScriptProcess.start("short_connections.py", certificate.certificate().toString(),
                certificate.key().toString(), Integer.toString(SHORT_CONNECTIONS), Integer.toString(PER_MINUTE))) {
            String[] done = flood.awaitLine("done ", Duration.ofSeconds(60)).split(" ");
            assertThat(Integer.parseInt(done[0])).as("connections completed, in %s s", done[1]).isEqualTo(SHORT_CONNECTIONS);
            // while the process lives (its exit would end its connections' state by itself): every SSL_free ended one
            long ends = 2L * SHORT_CONNECTIONS;
            Await.until(LIMIT, () -> "connection ids of the flood, given out and ended: " + deltas(before, counters()), () -> {
                Map<String, Long> now = counters();
                return delta(before, now, "kernel.connections.opened") >= ends
                        // other processes on this host open and keep a few connections meanwhile; 4,000 ends left behind would show
                        && delta(before, now, "decoder.connections") <= ends / 50;
            });
        }
        Map<String, Long> after = counters();
        assertThat(Memory.heapAfterGc() - heapBefore).as("heap growth in bytes").isLessThan(HEAP_GROWTH_BOUND);
        assertStillHealthy(before, after);
        try (SseCollector queries = subscribeToQueries()) {
            assertMarkersCaptured(queries);
        }
    }

    private SseCollector subscribeToQueries() {
        long clientsBefore = TracerApi.sseClients();
        SseCollector queries = new SseCollector(queryEvents);
        TracerApi.awaitSseClients(clientsBefore + 1);
        return queries;
    }

    /** The tracer is up and ready, and nothing on the capture path threw while the hostile process ran. */
    private void assertStillHealthy(Map<String, Long> before, Map<String, Long> after) {
        assertThat(tracer.state().status()).isEqualTo(TracerState.Status.UP);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        for (String failures : List.of("decoder.failures", "events.decode-failures", "ringbuf.sink-failures")) {
            assertThat(delta(before, after, failures)).as(failures).isZero();
        }
    }

    /** psql and the mariadb client each run a marker statement on a new connection: a query event from both ends. */
    private static void assertMarkersCaptured(SseCollector queries) throws IOException, InterruptedException {
        String postgresMarker = "marker-" + UUID.randomUUID();
        Commands.run(List.of("psql", "-X", "-A", "-t", "-c", "SELECT '" + postgresMarker + "'", postgres.connectionUri()));
        String mariaDbMarker = "marker-" + UUID.randomUUID();
        Process client = mariaDb.client(MARIADB_USER, null, null).start();
        client.getOutputStream().write(("SELECT '" + mariaDbMarker + "';\n").getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(client.waitFor()).as(output).isZero();
        awaitBothSides(queries, postgresMarker);
        awaitBothSides(queries, mariaDbMarker);
    }

    private static void awaitBothSides(SseCollector queries, String marker) {
        Await.until(LIMIT, () -> "query events of " + marker + " from the client and the server; seen: " + sides(queries, marker), () ->
                sides(queries, marker).containsAll(List.of("client", "server")));
    }

    private static Set<String> sides(SseCollector queries, String marker) {
        return queries.events(event -> event.get("statement").asText().contains(marker)).stream().map(event -> event.get("side").asText())
                .collect(Collectors.toSet());
    }

    private static List<JsonNode> lastChunks(SseCollector calls, long pid) {
        return calls.events(event -> event.get("pid").asLong() == pid && "write".equals(event.get("direction").asText())
                && event.get("lastChunk").asBoolean());
    }

    private static Map<String, Long> counters() {
        return given().get("/api/v1/counters").jsonPath().getList("", Map.class).stream()
                .collect(Collectors.toMap(counter -> (String) counter.get("name"), counter -> ((Number) counter.get("value")).longValue()));
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String name) {
        assertThat(after).as("counters").containsKey(name);
        return after.get(name) - before.getOrDefault(name, 0L);
    }

    /** The counters that moved, for failure messages. */
    private static String deltas(Map<String, Long> before, Map<String, Long> after) {
        return after.entrySet().stream().filter(entry -> !entry.getValue().equals(before.get(entry.getKey())))
                .map(entry -> entry.getKey() + " " + (entry.getValue() - before.getOrDefault(entry.getKey(), 0L)))
                .sorted().collect(Collectors.joining(", "));
    }
}
