package io.tlsscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.MariaDbTlsServer;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.PsqlSession;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Statements survive result-set floods at the default settings: each answer of 10,000 rows (about
 * 1 MB) gives its head within the response budget and the tail of each later call, so the query
 * event of every statement arrives from both ends with its outcome, the skipped bytes are counted,
 * and the ring buffer drops nothing. PostgreSQL states the row count in its command tag, read from
 * the tail; MySQL/MariaDB counts rows, so there the count is marked partial.
 */
@QuarkusTest
class ResultFloodTest {
    private static final int ROWS = 10_000;
    private static final int FLOODS = 12;

    @TestHTTPResource("/api/v1/events?type=query")
    URI queryEvents;

    @Test
    void postgresFloodsKeepEveryStatementAndItsRowCount() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            try (PsqlSession setUp = server.openPsql()) {
                setUp.query("CREATE TABLE flood AS SELECT g AS id, repeat('x', 100) AS filler FROM generate_series(1, " + ROWS + ") g;");
            }
            long clientsBefore = TracerApi.sseClients();
            try (SseCollector sse = new SseCollector(queryEvents); PsqlSession psql = server.openPsql()) {
                TracerApi.awaitSseClients(clientsBefore + 1);
                long backend = psql.backendPid();
                TracerApi.awaitLibraryUsedBy(backend);
                long dropsBefore = TracerApi.counter("kernel.ringbuf.drops");
                long budgetedBefore = TracerApi.counter("kernel.budgeted.bytes");
                for (int i = 0; i < FLOODS; i++) {
                    String output = psql.query("SELECT id, filler, 'flood-" + run + "-" + i + "' FROM flood;");
                    assertThat(output.lines().count()).as("rows psql printed").isEqualTo(ROWS);
                }
                String marker = "SELECT 'after the floods " + run + "';";
                psql.query(marker);

                Await.until(Duration.ofSeconds(30), "every flood and the marker from both ends",
                        () -> statements(sse, run, "server").size() == FLOODS + 1 && statements(sse, run, "client").size() == FLOODS + 1);
                for (String side : List.of("server", "client")) {
                    List<JsonNode> floods = statements(sse, run, side).stream()
                            .filter(event -> event.get("statement").asText().contains("FROM flood")).toList();
                    assertThat(floods).as("%s side", side).hasSize(FLOODS).allSatisfy(event -> {
                        assertThat(event.get("commandTag").asText()).isEqualTo("SELECT " + ROWS);
                        assertThat(event.get("rows").asLong()).isEqualTo(ROWS);
                        assertThat(event.has("rowsPartial")).as("the tag states the count").isFalse();
                        assertThat(event.get("responseBytesSkipped").asLong()).isGreaterThan(ROWS * 100L / 2);
                        assertThat(event.get("columns")).hasSize(3);
                        assertThat(event.has("columnsPartial")).as("the RowDescription is within the budget").isFalse();
                        assertThat(event.get("transactionStatus").asText()).isEqualTo("I");
                    });
                }
                assertThat(TracerApi.counter("kernel.budgeted.bytes") - budgetedBefore).as("skipped by the budget, counted")
                        .isGreaterThan(2L * FLOODS * ROWS * 100);
                assertThat(TracerApi.counter("kernel.ringbuf.drops")).as("ring-buffer drops").isEqualTo(dropsBefore);
            }
        }
    }

    @Test
    void mariaDbFloodsKeepEveryStatementWithPartialRowCounts() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "flood_" + run;
        String database = "flood_db_" + run;
        try (MariaDbTlsServer server = MariaDbTlsServer.start()) {
            server.sql("CREATE DATABASE " + database + "; CREATE USER " + user + "@'127.0.0.1' IDENTIFIED BY 'pw'; GRANT ALL ON "
                    + database + ".* TO " + user + "@'127.0.0.1'; USE " + database + "; CREATE TABLE flood AS SELECT seq AS id, "
                    + "repeat('x', 100) AS filler FROM seq_1_to_" + ROWS);
            StringBuilder script = new StringBuilder();
            for (int i = 0; i < FLOODS; i++) {
                script.append("SELECT id, filler, 'flood-").append(run).append('-').append(i).append("' FROM flood;\n");
            }
            script.append("SELECT 'after the floods ").append(run).append("';\n");
            long clientsBefore = TracerApi.sseClients();
            try (SseCollector sse = new SseCollector(queryEvents)) {
                TracerApi.awaitSseClients(clientsBefore + 1);
                TracerApi.awaitLibraryUsedBy(server.serverPid());
                long dropsBefore = TracerApi.counter("kernel.ringbuf.drops");
                Process client = server.client(user, "pw", database).start();
                client.getOutputStream().write(script.toString().getBytes(StandardCharsets.UTF_8));
                client.getOutputStream().close();
                String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(client.waitFor()).as(output.substring(0, Math.min(output.length(), 500))).isZero();
                assertThat(output.lines().filter(line -> line.matches("\\d+\t.*flood-" + run + ".*")).count())
                        .as("rows the client printed (the column header left out)").isEqualTo((long) FLOODS * ROWS);

                Await.until(Duration.ofSeconds(30), "every flood and the marker from both ends",
                        () -> statements(sse, run, "server").size() == FLOODS + 1 && statements(sse, run, "client").size() == FLOODS + 1);
                for (String side : List.of("server", "client")) {
                    List<JsonNode> events = statements(sse, run, side);
                    List<JsonNode> floods = events.stream().filter(event -> event.get("statement").asText().contains("FROM flood")).toList();
                    assertThat(floods).as("%s side", side).hasSize(FLOODS).allSatisfy(event -> {
                        assertThat(event.has("errorCode")).isFalse();
                        assertThat(event.get("rowsPartial").asBoolean()).as("rows counted from what was captured").isTrue();
                        assertThat(event.get("rows").asLong()).isBetween(1L, (long) ROWS - 1);
                        assertThat(event.get("responseBytesSkipped").asLong()).isGreaterThan(ROWS * 100L / 2);
                        assertThat(event.at("/connection/user").asText()).isEqualTo(user);
                    });
                    JsonNode marker = events.getLast();
                    assertThat(marker.get("statement").asText()).isEqualTo("SELECT 'after the floods " + run + "'");
                    assertThat(marker.get("rows").asLong()).isEqualTo(1);
                    assertThat(marker.has("responseBytesSkipped")).isFalse();
                }
                assertThat(TracerApi.counter("kernel.ringbuf.drops")).as("ring-buffer drops").isEqualTo(dropsBefore);
            }
        }
    }

    /** The statements of this run decoded from one side, in order. */
    private static List<JsonNode> statements(SseCollector sse, String run, String side) {
        return sse.events(event -> event.get("side").asText().equals(side) && event.path("statement").asText().contains(run));
    }
}
