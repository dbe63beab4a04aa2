package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.PsqlSession;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Query events on /api/v1/events?type=query from a real PostgreSQL 15 session over TLS, checked
 * against the server's own statement log (log_statement=all): every statement the backend logged
 * appears exactly once from the client (psql) and once from the server (the backend), with its
 * outcome.
 */
@QuarkusTest
class PostgresQueryEventsTest {
    /** "... [PID] LOG:  statement: TEXT" for simple queries. */
    private static final Pattern LOGGED = Pattern.compile("\\[(\\d+)\\] LOG:  statement: (.*)$", Pattern.MULTILINE);

    @TestHTTPResource("/api/v1/events?type=query")
    URI queryEvents;

    @Test
    void everyLoggedStatementIsOneQueryEventOnEachSide() throws Exception {
        String marker = "q-" + UUID.randomUUID();
        String table = "t_" + marker.substring(2, 10);
        List<String> statements = List.of(
                "CREATE TABLE " + table + " (id int primary key, label text);",
                "INSERT INTO " + table + " VALUES (1, '" + marker + "'), (2, 'b');",
                "SELECT id, label FROM " + table + " ORDER BY id;",
                "SELECT * FROM no_such_table_" + table + ";",
                "DROP TABLE " + table + ";");
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            try (PsqlSession psql = server.openPsql()) {
                long backend = psql.backendPid();
                statements.forEach(psql::query);

                List<String> logged = logged(server.serverLog(), backend).stream()
                        .filter(text -> text.contains(table)).toList();
                assertThat(logged).containsExactlyElementsOf(statements);
                Await.until(Duration.ofSeconds(15), "a query event per logged statement on each side", () ->
                        events(sse, "client", psql.pid(), table).size() == logged.size()
                                && events(sse, "server", backend, table).size() == logged.size());
                for (String side : List.of("client", "server")) {
                    List<JsonNode> events = events(sse, side, side.equals("client") ? psql.pid() : backend, table);
                    assertThat(events).extracting(event -> event.get("statement").asText()).containsExactlyElementsOf(logged);
                    assertThat(events.get(1).get("commandTag").asText()).isEqualTo("INSERT 0 2");
                    assertThat(events.get(1).get("rows").asLong()).isEqualTo(2);
                    assertThat(events.get(2).get("rows").asLong()).isEqualTo(2);
                    assertThat(events.get(3).get("sqlState").asText()).isEqualTo("42P01");
                    assertThat(events.get(3).has("commandTag")).isFalse();
                    assertThat(events).allSatisfy(event -> {
                        assertThat(event.at("/connection/user").asText()).isEqualTo("postgres");
                        assertThat(event.at("/connection/database").asText()).isEqualTo("postgres");
                        assertThat(event.at("/connection/protocol").asText()).isEqualTo("postgresql");
                        assertThat(event.get("transactionStatus").asText()).isEqualTo("I");
                    });
                }
            }
        }
    }

    @Test
    void copyIsSummarisedAndNoticesJoinTheirStatement() throws Exception {
        String table = "c_" + UUID.randomUUID().toString().substring(0, 8);
        java.nio.file.Path rows = java.nio.file.Files.createTempFile("tlsscope-copy-", ".tsv");
        String data = "1\tone\n2\ttwo\n3\tthree\n4\tfour\n";
        java.nio.file.Files.writeString(rows, data);
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            try (PsqlSession psql = server.openPsql()) {
                long backend = psql.backendPid();
                psql.query("CREATE TABLE " + table + " (id int, name text);");
                psql.query("\\copy " + table + " FROM '" + rows + "'");
                assertThat(psql.query("COPY " + table + " TO STDOUT;")).isEqualTo(data);
                psql.query("DO $$ BEGIN RAISE NOTICE 'copied into %', '" + table + "'; END $$;");

                List<String> logged = logged(server.serverLog(), backend).stream().filter(text -> text.contains(table)).toList();
                assertThat(logged).hasSize(4);
                for (String side : List.of("client", "server")) {
                    long pid = side.equals("client") ? psql.pid() : backend;
                    Await.until(Duration.ofSeconds(15), "a query event per logged statement from the " + side, () ->
                            events(sse, side, pid, table).size() == logged.size());
                    List<JsonNode> events = events(sse, side, pid, table);
                    assertThat(events).extracting(event -> event.get("statement").asText()).containsExactlyElementsOf(logged);
                    assertThat(events.get(1).get("copy").get("direction").asText()).isEqualTo("in");
                    assertThat(events.get(1).get("copy").get("bytes").asLong()).isEqualTo(data.length());
                    assertThat(events.get(1).get("rows").asLong()).isEqualTo(4);
                    assertThat(events.get(2).get("copy").get("direction").asText()).isEqualTo("out");
                    assertThat(events.get(2).get("copy").get("messages").asLong()).isEqualTo(4);
                    assertThat(events.get(2).get("copy").get("bytes").asLong()).isEqualTo(data.length());
                    assertThat(events.get(3).get("notices")).extracting(JsonNode::asText)
                            .containsExactly("NOTICE 00000: copied into " + table);
                    assertThat(events.get(0).has("copy")).isFalse();
                    assertThat(events.get(0).has("notices")).isFalse();
                }
            }
        } finally {
            java.nio.file.Files.deleteIfExists(rows);
        }
    }

    /**
     * A statement larger than the per-call capture limit (2 MiB in tests) in one SSL_write: psql's
     * side captures a prefix of the call, the backend reads it in small calls but keeps at most 1 MiB
     * of a message. Both sides still give the statement's event, with its prefix, its real length and
     * its result, and the connection goes on decoding: the framing skipped what it knew the length of.
     */
    @Test
    void aStatementLargerThanTheCaptureLimitKeepsItsPrefixLengthAndOutcome() throws Exception {
        String marker = "big_" + UUID.randomUUID().toString().substring(0, 8);
        String statement = "SELECT length('" + marker + "x".repeat(5 * 1024 * 1024) + "') AS n;";
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            try (PsqlSession psql = server.openPsql()) {
                long backend = psql.backendPid();
                assertThat(psql.query(statement).strip()).isEqualTo(Integer.toString(marker.length() + 5 * 1024 * 1024));
                psql.query("SELECT 'after " + marker + "';");
                for (String side : List.of("client", "server")) {
                    long pid = side.equals("client") ? psql.pid() : backend;
                    Await.until(Duration.ofSeconds(30), "the big statement and the next one from the " + side, () ->
                            events(sse, side, pid, marker).size() == 2);
                    List<JsonNode> events = events(sse, side, pid, marker);
                    JsonNode big = events.getFirst();
                    assertThat(big.get("statement").asText()).as(side).startsWith("SELECT length('" + marker + "xxxx")
                            .hasSizeLessThan(statement.length());
                    assertThat(big.get("statementBytes").asLong()).as("%s: the statement's real length", side)
                            .isEqualTo(statement.length()); // psql sends the ';' it was given
                    assertThat(big.get("rows").asLong()).isEqualTo(1);
                    assertThat(big.get("commandTag").asText()).isEqualTo("SELECT 1");
                    assertThat(events.get(1).get("statement").asText()).isEqualTo("SELECT 'after " + marker + "';");
                    assertThat(events.get(1).has("statementBytes")).isFalse();
                }
            }
        }
    }

    @Test
    void anUnknownStreamTypeIsAProblemNamingTheField() {
        given().get("/api/v1/events?type=bogus").then().statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("type"))
                .body("detail", containsString("raw, query, alert or all"));
    }

    private static List<String> logged(String serverLog, long backend) {
        List<String> statements = new ArrayList<>();
        Matcher line = LOGGED.matcher(serverLog);
        while (line.find()) {
            if (Long.parseLong(line.group(1)) == backend) {
                statements.add(line.group(2));
            }
        }
        return statements;
    }

    private static List<JsonNode> events(SseCollector sse, String side, long pid, String table) {
        return sse.events(event -> event.get("type").asText().equals("query") && event.get("side").asText().equals(side)
                && event.at("/connection/pid").asLong() == pid && event.get("statement").asText().contains(table));
    }
}
