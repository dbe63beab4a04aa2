package io.tlsscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Jdbc;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.MariaDbGeneralLog;
import io.tlsscope.testsupport.MariaDbTlsServer;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Query events from a real MariaDB 10.11 over TLS, checked against the server's general log: every
 * logged Query, Init DB, Prepare and Execute of the session is exactly one query event, in order,
 * with its outcome. The mariadb client is seen from both ends (its own SSL calls and the server's);
 * Connector/J runs in this JVM (Java's own TLS, not OpenSSL), so it is seen from the server's end.
 */
@QuarkusTest
class MariaDbQueryEventsTest {
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)?");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static MariaDbTlsServer server;

    @TestHTTPResource("/api/v1/events?type=query")
    URI queryEvents;

    @BeforeAll
    static void startServer() {
        server = MariaDbTlsServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void theMariadbClientsStatementsFromBothEnds() throws Exception {
        String user = "cli_" + UUID.randomUUID().toString().substring(0, 8);
        String database = "db_" + user;
        createUser(user, "pw-" + user, database);
        String script = """
                CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40));
                INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three');
                SELECT id, name FROM items ORDER BY id;
                SELECT * FROM no_such_table;
                USE %s;
                UPDATE items SET name = 'uno' WHERE id = 1;
                START TRANSACTION;
                DELETE FROM items WHERE id > 1;
                ROLLBACK;
                DROP TABLE items;
                """.formatted(database);
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.serverPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            Process client = server.client(user, "pw-" + user, database).start();
            client.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().close();
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor()).as(output).isZero();
            assertThat(output).contains("ERROR 1146"); // --force: the failing SELECT sets the exit code
            List<String> logged = loggedStatements(user, List.of("Query", "Init DB"));
            assertThat(logged).as("the script's statements, and the client's SELECT DATABASE() before USE").hasSize(11);

            Await.until(Duration.ofSeconds(15), "a query event per logged statement on each side", () ->
                    clientEvents(sse, client.pid()).size() >= logged.size() && serverEvents(sse, user).size() >= logged.size());
            for (List<JsonNode> events : List.of(clientEvents(sse, client.pid()), serverEvents(sse, user))) {
                assertThat(events).extracting(MariaDbQueryEventsTest::asLogged).containsExactlyElementsOf(logged);
                assertThat(events.get(1).get("rows").asLong()).isEqualTo(3);
                assertThat(events.get(2).get("rows").asLong()).isEqualTo(3);
                JsonNode failed = events.get(3);
                assertThat(failed.get("errorCode").asInt()).isEqualTo(1146);
                assertThat(failed.get("sqlState").asText()).isEqualTo("42S02");
                assertThat(failed.get("error").asText()).contains("no_such_table");
                assertThat(failed.has("rows")).isFalse();
                assertThat(events.get(6).get("rows").asLong()).isEqualTo(1);
                assertThat(events.get(8).get("rows").asLong()).isEqualTo(2);
                assertThat(events.get(8).get("transactionStatus").asText()).isEqualTo("T");
                assertThat(events.get(9).get("transactionStatus").asText()).isEqualTo("I");
                assertThat(events).allSatisfy(event -> {
                    assertThat(event.at("/connection/user").asText()).isEqualTo(user);
                    assertThat(event.at("/connection/database").asText()).isEqualTo(database);
                    assertThat(event.at("/connection/protocol").asText()).isEqualTo("mysql");
                });
            }
            assertThat(clientEvents(sse, client.pid())).allSatisfy(event -> assertThat(event.get("side").asText()).isEqualTo("client"));
            assertThat(serverEvents(sse, user)).allSatisfy(event -> {
                assertThat(event.get("side").asText()).isEqualTo("server");
                assertThat(event.at("/connection/pid").asLong()).isEqualTo(server.serverPid());
            });
        }
    }

    @Test
    void connectorJPreparedStatementsWithParameters() throws Exception {
        String user = "jdbc_" + UUID.randomUUID().toString().substring(0, 8);
        String database = "db_" + user;
        createUser(user, "pw-" + user, database);
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.serverPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            try (Connection connection = Jdbc.mariadb(server.jdbcUrl(database), user, "pw-" + user)) {
                runWorkload(connection);
            }
            List<String> logged = loggedStatements(user, List.of("Query", "Prepare", "Execute", "Init DB"));
            Await.until(Duration.ofSeconds(15), "a query event per logged statement", () ->
                    serverEvents(sse, user).size() >= logged.size());
            List<JsonNode> events = serverEvents(sse, user);
            assertThat(events).extracting(MariaDbQueryEventsTest::asLogged).containsExactlyElementsOf(logged);
            JsonNode select = events.stream().filter(event -> event.get("command").asText().equals("execute")
                    && event.get("statement").asText().startsWith("SELECT")).findFirst().orElseThrow();
            assertThat(select.get("rows").asLong()).isEqualTo(2);
            JsonNode batch = events.stream().filter(event -> event.get("command").asText().equals("bulk-execute")).findFirst().orElseThrow();
            assertThat(batch.get("parameters")).extracting(JsonNode::asText).containsExactly("10", "batch10", "11", "batch11", "12", "batch12");
            assertThat(batch.get("rows").asLong()).isEqualTo(3);
            JsonNode failed = events.stream().filter(event -> event.has("errorCode")).findFirst().orElseThrow();
            assertThat(failed.get("errorCode").asInt()).isEqualTo(1146);
            assertThat(events).filteredOn(event -> event.get("command").asText().equals("execute")
                            && event.get("statement").asText().startsWith("UPDATE"))
                    .singleElement().satisfies(event -> assertThat(event.get("transactionStatus").asText()).isEqualTo("T"));
        }
    }

    private static void runWorkload(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(8,2), born DATETIME(6))");
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?)")) {
            insert.setInt(1, 1);
            insert.setString(2, "one");
            insert.setBigDecimal(3, new BigDecimal("1.50"));
            insert.setTimestamp(4, Timestamp.valueOf("2026-11-25 10:11:12.345"));
            insert.executeUpdate();
            insert.setInt(1, 2);
            insert.setString(2, "two");
            insert.setNull(3, Types.DECIMAL);
            insert.setNull(4, Types.TIMESTAMP);
            insert.executeUpdate();
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT id, name FROM items WHERE id >= ? ORDER BY id")) {
            select.setLong(1, 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    assertThat(rows.getString(2)).isNotEmpty();
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT * FROM no_such_table");
        } catch (SQLException expected) {
            assertThat(expected.getErrorCode()).isEqualTo(1146);
        }
        connection.setAutoCommit(false);
        try (PreparedStatement update = connection.prepareStatement("UPDATE items SET name = ? WHERE id = ?")) {
            update.setString(1, "uno");
            update.setInt(2, 1);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        connection.rollback();
        connection.setAutoCommit(true);
        try (PreparedStatement batch = connection.prepareStatement("INSERT INTO items (id, name) VALUES (?, ?)")) {
            for (int id = 10; id < 13; id++) {
                batch.setInt(1, id);
                batch.setString(2, "batch" + id);
                batch.addBatch();
            }
            batch.executeBatch();
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE items");
        }
    }

    private static void createUser(String user, String password, String database) {
        server.sql("CREATE DATABASE " + database + "; CREATE USER " + user + "@'127.0.0.1' IDENTIFIED BY '" + password + "';"
                + " GRANT ALL ON " + database + ".* TO " + user + "@'127.0.0.1'");
    }

    /** "Command argument" per logged command of the user's latest connection. */
    private static List<String> loggedStatements(String user, List<String> kinds) {
        String log = server.generalLog();
        long connection = MariaDbGeneralLog.connectionOf(log, user).orElseThrow(() -> new AssertionError("no login of " + user + ":\n" + log));
        return MariaDbGeneralLog.commands(log, connection, kinds).stream().map(entry -> entry.command() + " " + entry.argument()).toList();
    }

    /**
     * An event as the general log would show it: Query/Prepare with the text, Init DB with the
     * schema, Execute with the parameters substituted the way MariaDB prints them (a bulk execute
     * is logged once, unsubstituted).
     */
    private static String asLogged(JsonNode event) {
        String statement = event.get("statement").asText();
        return switch (event.get("command").asText()) {
            case "query" -> "Query " + statement;
            case "prepare" -> "Prepare " + statement;
            case "init-db" -> "Init DB " + statement;
            case "bulk-execute" -> "Execute " + statement;
            case "execute" -> "Execute " + substitute(statement, event.get("parameters"));
            default -> throw new AssertionError("unexpected command in " + event);
        };
    }

    private static String substitute(String statement, JsonNode parameters) {
        StringBuilder text = new StringBuilder();
        int next = 0;
        for (char c : statement.toCharArray()) {
            if (c != '?') {
                text.append(c);
                continue;
            }
            JsonNode value = parameters.get(next++);
            String shown = value.isNull() ? "NULL" : value.asText();
            text.append(value.isNull() || NUMBER.matcher(shown).matches() ? shown
                    : TIMESTAMP.matcher(shown).matches() ? "TIMESTAMP'" + shown + "'" : "'" + shown + "'");
        }
        return text.toString();
    }

    private static List<JsonNode> clientEvents(SseCollector sse, long pid) {
        return sse.events(event -> event.at("/connection/pid").asLong() == pid);
    }

    private static List<JsonNode> serverEvents(SseCollector sse, String user) {
        return new ArrayList<>(sse.events(event -> event.get("side").asText().equals("server")
                && event.at("/connection/user").asText().equals(user)));
    }
}
