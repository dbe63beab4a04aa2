package io.tlsscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.Commands;
import io.tlsscope.testsupport.KafkaBroker;
import io.tlsscope.testsupport.KafkaBrokerResource;
import io.tlsscope.testsupport.KafkaTopic;
import io.tlsscope.testsupport.PostgresStatementLog;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * A broker outage longer than the smallest buffer (64 KiB) holds: records are lost, and exactly as
 * many as the kafka.dropped.* counters say, with exactly the bytes they say. What was lost is found
 * independently: an SSE client saw every query event of the same bus (its own drops are zero), and
 * each one not on the topic afterwards is a lost record. The server's statement log checks that the
 * SSE client saw everything and that what is on the topic plus what was lost is every statement.
 */
@QuarkusTest
@TestProfile(KafkaBufferTooSmallTest.TinyBuffer.class)
class KafkaBufferTooSmallTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BUFFER_BYTES = 65_536;

    public static class TinyBuffer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tlsscope.kafka.buffer-bytes", Long.toString(BUFFER_BYTES), "tlsscope.kafka.degraded-after", "1s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaBrokerResource.class));
        }
    }

    @KafkaBrokerResource.InjectKafkaBroker
    KafkaBroker broker;

    @TestHTTPResource("/api/v1/events?type=query")
    URI queryEvents;

    @Test
    void theRecordsLostAreExactlyTheOnesTheDropCountersCount() throws Exception {
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            Commands.run(List.of("pgbench", "-q", "-i", "-s", "1", server.connectionUri()));
            Await.until(Duration.ofSeconds(30), "the buffer to be empty", () -> TracerApi.counter("kafka.buffered.records") == 0);
            Counts before = Counts.now();

            CompletableFuture<String> load = CompletableFuture.supplyAsync(() -> Commands.run(List.of("pgbench", "-n", "-S", "-M",
                    "prepared", "-c", "1", "-R", "200", "-T", "12", server.connectionUri())));
            Thread.sleep(2_000);
            broker.stop();
            Await.until(Duration.ofSeconds(20), "records dropped for a full buffer",
                    () -> TracerApi.counter("kafka.dropped.buffer-full.records") > before.bufferFull());
            for (int sample = 0; sample < 5; sample++) {
                assertThat(TracerApi.counter("kafka.buffered.bytes")).isBetween(1L, BUFFER_BYTES);
                Thread.sleep(200);
            }
            broker.start();
            load.get(90, TimeUnit.SECONDS);
            Await.until(Duration.ofSeconds(60), "the buffer to drain", () -> TracerApi.counter("kafka.buffered.records") == 0);
            List<PostgresStatementLog.Logged> logged = PostgresStatementLog.parse(server.serverLog());
            Await.until(Duration.ofSeconds(20), "the SSE client to have every logged statement",
                    () -> serverSide(sse.data(), server).size() >= logged.size());
            Counts after = Counts.now();

            List<ConsumerRecord<byte[], byte[]>> topic = KafkaTopic.readAll(broker.bootstrapServers(), KafkaBrokerResource.QUERIES);
            Map<String, Integer> onTopic = new HashMap<>();
            topic.forEach(record -> onTopic.merge(new String(record.value(), StandardCharsets.UTF_8), 1, Integer::sum));
            List<String> lost = sse.data().stream().filter(data -> onTopic.merge(data, -1, Integer::sum) < 0).toList();
            long headerBytes = headerBytes(topic.getLast());
            long lostBytes = lost.stream().mapToLong(data -> recordBytes(data, headerBytes)).sum();

            assertThat(after.sseClientDrops() - before.sseClientDrops()).as("the SSE client saw every event").isZero();
            assertThat(after.queueFull() - before.queueFull()).isZero();
            assertThat(lost).as("records lost").isNotEmpty();
            assertThat(after.droppedRecords() - before.droppedRecords()).as("kafka.dropped.*.records").isEqualTo(lost.size());
            assertThat(after.droppedBytes() - before.droppedBytes()).as("kafka.dropped.*.bytes").isEqualTo(lostBytes);

            List<String> statementsSeen = serverSide(sse.data(), server);
            assertThat(statementsSeen).as("SSE: every logged statement, once, in order")
                    .isEqualTo(logged.stream().map(PostgresStatementLog.Logged::statement).toList());
            long serverOnTopic = topic.stream().filter(record -> isServerSideOf(read(new String(record.value(), StandardCharsets.UTF_8)), server))
                    .count();
            assertThat(serverOnTopic + serverSide(lost, server).size()).as("on the topic or counted as lost").isEqualTo(logged.size());
        }
    }

    /** The counters this test compares, at one moment. */
    private record Counts(long queueFull, long bufferFull, long droppedRecords, long droppedBytes, long sseClientDrops) {
        static Counts now() {
            long queueFull = TracerApi.counter("kafka.dropped.queue-full.records");
            long bufferFull = TracerApi.counter("kafka.dropped.buffer-full.records");
            long sendFailed = TracerApi.counter("kafka.dropped.send-failed.records");
            return new Counts(queueFull, bufferFull, queueFull + bufferFull + sendFailed,
                    TracerApi.counter("kafka.dropped.buffer-full.bytes") + TracerApi.counter("kafka.dropped.send-failed.bytes"),
                    TracerApi.counter("sse.client-drops"));
        }
    }

    /** The statements of this server's backends among the events, in order. */
    private static List<String> serverSide(List<String> events, PostgresTlsServer server) {
        return events.stream().map(KafkaBufferTooSmallTest::read).filter(event -> isServerSideOf(event, server))
                .map(event -> event.path("statement").asText()).toList();
    }

    private static boolean isServerSideOf(JsonNode event, PostgresTlsServer server) {
        // a refused login is an event too (command login), but no statement the server logs
        return event.path("side").asText().equals("server") && !event.path("command").asText().equals("login")
                && event.at("/connection/source").asText().equals("127.0.0.1:" + server.port());
    }

    /** What a record of this event weighs by the sink's measure: key, value, headers. */
    private static long recordBytes(String data, long headerBytes) {
        JsonNode event = read(data);
        JsonNode connection = event.path("connection");
        String key = event.at("/host/id").asText() + "/" + connection.path("id").asLong();
        return key.getBytes(StandardCharsets.UTF_8).length + data.getBytes(StandardCharsets.UTF_8).length + headerBytes;
    }

    /** Header names and values of a record from this host: the same for every query record it sends. */
    private static long headerBytes(ConsumerRecord<byte[], byte[]> record) {
        long bytes = 0;
        for (Header header : record.headers()) {
            bytes += header.key().getBytes(StandardCharsets.UTF_8).length + header.value().length;
        }
        return bytes;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
