package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.tlsscope.cli.client.EventsCommand;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.Commands;
import io.tlsscope.testsupport.EventSchema;
import io.tlsscope.testsupport.KafkaBroker;
import io.tlsscope.testsupport.KafkaBrokerResource;
import io.tlsscope.testsupport.KafkaTopic;
import io.tlsscope.testsupport.PostgresStatementLog;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.PsqlSession;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TestTokens;
import io.tlsscope.testsupport.TracerApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Kafka sink against a real broker (a KRaft JVM of its own), the real tracer and a real
 * PostgreSQL with TLS. Ground truth is the server's statement log: every statement it logged is
 * exactly one server-side record on tlsscope.queries, keyed by host and connection, in order per key
 * — also across a broker outage that fits the buffer. The CLI following the topic prints what the
 * SSE follower prints.
 */
@QuarkusTest
@TestProfile(KafkaSinkTest.WithBroker.class)
class KafkaSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static class WithBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tlsscope.kafka.degraded-after", "2s");
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

    @TestHTTPResource("/")
    URI base;

    @Test
    void everyLoggedStatementIsOneServerSideRecordKeyedByConnectionInOrder() throws Exception {
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            try (PsqlSession psql = server.openPsql()) {
                psql.query("CREATE TABLE kafka_t (id int PRIMARY KEY, note text);");
                psql.query("INSERT INTO kafka_t SELECT g, 'row ' || g FROM generate_series(1, 50) g;");
                psql.query("SELECT note FROM kafka_t WHERE id = 7;");
                psql.query("SELECT no_such_column FROM kafka_t;");
            }
            Commands.run(List.of("pgbench", "-q", "-i", "-s", "1", server.connectionUri()));
            Commands.run(List.of("pgbench", "-n", "-S", "-M", "extended", "-c", "2", "-t", "25", server.connectionUri()));
            Commands.run(List.of("pgbench", "-n", "-S", "-M", "prepared", "-c", "1", "-t", "25", server.connectionUri()));

            List<ConsumerRecord<byte[], byte[]>> records = awaitServerRecordsOfEveryLoggedStatement(server);
            assertThat(records).isNotEmpty();
            String machineId = Files.readString(Path.of("/etc/machine-id")).strip();
            java.util.Set<String> keys = new java.util.HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                JsonNode event = JSON.readTree(record.value());
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(keyOf(event));
                assertThat(record.partition()).as("the key's partition, by the producer's murmur2 partitioner")
                        .isEqualTo(Utils.toPositive(Utils.murmur2(record.key())) % KafkaBrokerResource.PARTITIONS);
                keys.add(keyOf(event));
                assertThat(headers(record)).containsExactly(Map.entry("host", machineId),
                        Map.entry("hostname", event.at("/host/name").asText()), Map.entry("schema-version", "1"),
                        Map.entry("event-type", "query"));
                assertThat(event.at("/host/id").asText()).isEqualTo(machineId);
                assertThat(EventSchema.violations(event)).as(event.toString()).isEmpty();
            }
            assertThat(keys).as("psql, pgbench -i and three pgbench clients: one key each").hasSizeGreaterThanOrEqualTo(5);
            ObjectNode undocumented = (ObjectNode) JSON.readTree(records.getFirst().value());
            undocumented.put("undocumented", 1);
            assertThat(EventSchema.violations(undocumented)).as("the schema is strict").isNotEmpty();
        }
    }

    @Test
    void aBrokerOutageThatFitsTheBufferLosesNothing() throws Exception {
        Map<String, Long> droppedBefore = droppedRecords();
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            Commands.run(List.of("pgbench", "-q", "-i", "-s", "1", server.connectionUri()));
            // 150 transactions a second for 20 s: a few MB of records, far below the 64 MiB buffer
            CompletableFuture<String> load = CompletableFuture.supplyAsync(() -> Commands.run(List.of("pgbench", "-n", "-S", "-M",
                    "prepared", "-c", "2", "-R", "150", "-T", "20", server.connectionUri())));
            Thread.sleep(3_000);
            broker.stop();
            Await.until(Duration.ofSeconds(20), "the sink to report records waiting for the brokers", () -> "DEGRADED".equals(sinkHealth("state"))
                    && sinkHealth("reason").contains("no record acknowledged by the brokers"));
            JsonPath ready = readiness();
            assertThat(ready.getString("status")).as("readiness while the brokers are away").isEqualTo("UP");
            assertThat(ready.getString("checks.find { it.name == 'tracer' }.status")).isEqualTo("UP");
            assertThat(TracerApi.counter("kafka.buffered.records")).isPositive();
            broker.start();
            load.get(90, TimeUnit.SECONDS);
            Await.until(Duration.ofSeconds(60), "the buffer to drain", () -> TracerApi.counter("kafka.buffered.records") == 0);
            awaitServerRecordsOfEveryLoggedStatement(server);
            Await.until(Duration.ofSeconds(10), "the sink to be up again", () -> "UP".equals(sinkHealth("state")));
        }
        assertThat(droppedRecords()).as("records dropped, by cause").isEqualTo(droppedBefore);
    }

    @Test
    void theCliFollowingKafkaPrintsWhatTheSseFollowerPrints() throws Exception {
        String marker = "kafka-cli-" + UUID.randomUUID();
        int statements = 5;
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            List<String> filters = List.of("--follow", "--comm", "psql", "--port", Integer.toString(server.port()), "--user", "postgres",
                    "--contains", marker, "--limit", Integer.toString(statements));
            Follower overSse = Follower.start(concat(filters, List.of("--url", base.toString(), "--token", TestTokens.VIEWER)));
            Follower overKafka = Follower.start(concat(filters, List.of("--kafka", broker.bootstrapServers())));
            Follower overKafkaJson = Follower.start(concat(filters, List.of("--kafka", broker.bootstrapServers(), "--json")));
            TracerApi.awaitSseClients(clientsBefore + 2);
            overKafka.awaitFollowing();
            overKafkaJson.awaitFollowing();
            try (PsqlSession psql = server.openPsql()) {
                for (int i = 0; i < statements; i++) {
                    psql.query("SELECT " + i + " AS n, '" + marker + "';");
                }
                psql.query("SELECT 'not followed';");
            }
            String sseLines = overSse.output();
            assertThat(sseLines.lines()).hasSize(statements).allSatisfy(line -> assertThat(line).contains(marker).contains(" client "));
            assertThat(overKafka.output()).isEqualTo(sseLines);
            List<String> sseJson = sse.data().stream().filter(data -> data.contains(marker) && data.contains("\"side\":\"client\"")).toList();
            assertThat(overKafkaJson.output().lines().toList()).isEqualTo(sseJson);
        }
    }

    /** A CLI follower run in this JVM, as `tlsscope events ...`. */
    private record Follower(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
        static Follower start(List<String> args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            // a thread each: the common pool has one thread on two cores, and a follower blocks until its limit
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(new EventsCommand())
                    .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new)),
                    task -> Thread.ofPlatform().daemon().name("follower").start(task));
            return new Follower(exit, out, err);
        }

        void awaitFollowing() {
            Await.until(Duration.ofSeconds(30), "the Kafka follower to be positioned", () -> err.toString().contains("following")
                    || exit.isDone());
            assertThat(exit.isDone()).as(err.toString()).isFalse();
        }

        String output() throws Exception {
            int code = exit.get(30, TimeUnit.SECONDS);
            assertThat(code).as(err.toString()).isZero();
            return out.toString();
        }
    }

    /**
     * Waits until the queries topic holds a server-side record for every statement the server
     * logged, then checks it is exactly those, one each, in the log's order per backend.
     */
    private List<ConsumerRecord<byte[], byte[]>> awaitServerRecordsOfEveryLoggedStatement(PostgresTlsServer server) {
        List<ConsumerRecord<byte[], byte[]>> matching = new ArrayList<>();
        Await.until(Duration.ofSeconds(60), "a record for every logged statement", () -> {
            matching.clear();
            matching.addAll(serverRecords(server));
            return matching.size() >= PostgresStatementLog.parse(server.serverLog()).size();
        });
        List<PostgresStatementLog.Logged> logged = PostgresStatementLog.parse(server.serverLog());
        assertThat(logged).hasSizeGreaterThan(10);
        Map<Long, List<String>> loggedByBackend = new LinkedHashMap<>();
        logged.forEach(statement -> loggedByBackend.computeIfAbsent(statement.backend(), pid -> new ArrayList<>()).add(statement.statement()));
        Map<Long, List<String>> recordedByBackend = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : matching) {
            JsonNode event = read(record);
            recordedByBackend.computeIfAbsent(event.at("/connection/pid").asLong(), pid -> new ArrayList<>()).add(event.path("statement").asText());
        }
        assertThat(recordedByBackend).isEqualTo(loggedByBackend);
        return matching;
    }

    /** The records of this server's backends, each partition in offset order (one connection lives in one). */
    private List<ConsumerRecord<byte[], byte[]>> serverRecords(PostgresTlsServer server) {
        return KafkaTopic.readAll(broker.bootstrapServers(), KafkaBrokerResource.QUERIES).stream().filter(record -> {
            JsonNode event = read(record);
            // a refused login is an event too (command login), but no statement the server logs
            return event.path("side").asText().equals("server") && !event.path("command").asText().equals("login")
                    && event.at("/connection/source").asText().equals("127.0.0.1:" + server.port());
        }).toList();
    }

    /** The key a consumer rebuilds from a query event: host id and connection id. */
    private static String keyOf(JsonNode event) {
        long connection = event.at("/connection/id").asLong();
        assertThat(connection).as("the connection id").isPositive();
        return event.at("/host/id").asText() + "/" + connection;
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static JsonNode read(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonPath readiness() {
        return given().get("/q/health/ready").jsonPath();
    }

    private static String sinkHealth(String field) {
        return readiness().getString("checks.find { it.name == 'kafka-sink' }.data." + field);
    }

    private static Map<String, Long> droppedRecords() {
        return Stream.of("kafka.dropped.queue-full.records", "kafka.dropped.buffer-full.records", "kafka.dropped.send-failed.records")
                .collect(Collectors.toMap(name -> name, TracerApi::counter));
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
