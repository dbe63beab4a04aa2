package io.tlsscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Jdbc;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL JDBC driver in this JVM (Java's own TLS, so the statements are seen from the
 * backend's SSL calls) against the server's log: every "execute" line with its parameters, and
 * every failed statement's STATEMENT line, is exactly one query event from the backend, in order.
 */
@QuarkusTest
class PostgresJdbcQueryEventsTest {
    /** An execute line, its parameters when it has any; or the STATEMENT line after an ERROR. */
    private static final Pattern LOGGED = Pattern.compile(
            "\\[(\\d+)\\] (?:LOG:  execute [^:]+: (.*?)(?:\\n[^\\n]*\\[\\1\\] DETAIL:  parameters: (.*?))?|STATEMENT:  (.*?))$",
            Pattern.MULTILINE);
    private static final Pattern PARAMETER = Pattern.compile("\\$\\d+ = (NULL|'((?:[^']|'')*)')");

    @TestHTTPResource("/api/v1/events?type=query")
    URI queryEvents;

    private record Logged(String statement, List<String> parameters, boolean failed) {
    }

    @Test
    void everyLoggedExecuteIsOneBackendQueryEventWithItsParameters() throws Exception {
        String table = "j_" + UUID.randomUUID().toString().substring(0, 8);
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            long backend;
            try (Connection connection = Jdbc.postgres("jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?sslmode=require&user=postgres")) {
                backend = backendPid(connection);
                runWorkload(connection, table);
            }
            List<Logged> logged = logged(server.serverLog(), backend, table);
            assertThat(logged).as("create, 2 inserts, select, the failure, update, 3 batched inserts, drop").hasSize(10);
            Await.until(Duration.ofSeconds(15), "a backend query event per logged statement", () ->
                    events(sse, backend, table).size() >= logged.size());
            List<JsonNode> events = events(sse, backend, table);
            assertThat(events).hasSize(logged.size());
            for (int i = 0; i < logged.size(); i++) {
                JsonNode event = events.get(i);
                Logged expected = logged.get(i);
                assertThat(event.get("statement").asText()).as("event %d", i).isEqualTo(expected.statement());
                List<String> parameters = new ArrayList<>();
                event.get("parameters").forEach(value -> parameters.add(value.isNull() ? null : value.asText()));
                assertThat(parameters).as("parameters of %s", expected.statement()).isEqualTo(expected.parameters());
                assertThat(event.has("sqlState")).as("failed: %s", expected.statement()).isEqualTo(expected.failed());
            }
            JsonNode select = events.stream().filter(event -> event.get("statement").asText().startsWith("SELECT id")).findFirst().orElseThrow();
            assertThat(select.get("rows").asLong()).isEqualTo(2);
            JsonNode update = events.stream().filter(event -> event.get("statement").asText().startsWith("UPDATE")).findFirst().orElseThrow();
            assertThat(update.get("rows").asLong()).isEqualTo(1);
            assertThat(events).filteredOn(event -> event.has("sqlState")).singleElement()
                    .satisfies(event -> assertThat(event.get("sqlState").asText()).isEqualTo("42P01"));
        }
    }

    private static void runWorkload(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + table + " (id int primary key, name text, born timestamp, data bytea)");
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?)")) {
            insert.setInt(1, 1);
            insert.setString(2, "one");
            // a LocalDateTime goes out typed as timestamp, so the log prints it as sent; setTimestamp would send
            // "...+00" untyped and the log would show the server's conversion instead of the wire value
            insert.setObject(3, java.time.LocalDateTime.of(2026, 11, 25, 10, 11, 12, 345_000_000));
            insert.setBytes(4, new byte[] {1, 2, 3});
            insert.executeUpdate();
            insert.setInt(1, 2);
            insert.setString(2, "two");
            insert.setNull(3, Types.TIMESTAMP);
            insert.setNull(4, Types.BINARY);
            insert.executeUpdate();
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT id, name FROM " + table + " WHERE id >= ? ORDER BY id")) {
            select.setLong(1, 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    assertThat(rows.getString(2)).isNotEmpty();
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT * FROM missing_" + table);
        } catch (SQLException expected) {
            assertThat(expected.getSQLState()).isEqualTo("42P01");
        }
        connection.setAutoCommit(false);
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET name = ? WHERE id = ?")) {
            update.setString(1, "uno");
            update.setInt(2, 1);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        connection.rollback();
        connection.setAutoCommit(true);
        try (PreparedStatement batch = connection.prepareStatement("INSERT INTO " + table + " (id, name) VALUES (?, ?)")) {
            for (int id = 10; id < 13; id++) {
                batch.setInt(1, id);
                batch.setString(2, "batch" + id);
                batch.addBatch();
            }
            batch.executeBatch();
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE " + table);
        }
    }

    private static long backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
            result.next();
            return result.getLong(1);
        }
    }

    /** The backend's logged executes and failed statements that name the table (BEGIN/ROLLBACK do not). */
    private static List<Logged> logged(String serverLog, long backend, String table) {
        List<Logged> statements = new ArrayList<>();
        Matcher line = LOGGED.matcher(serverLog);
        while (line.find()) {
            if (Long.parseLong(line.group(1)) != backend) {
                continue;
            }
            boolean failed = line.group(4) != null;
            String statement = failed ? line.group(4) : line.group(2);
            if (statement.contains(table)) {
                statements.add(new Logged(statement, failed ? List.of() : parameters(line.group(3)), failed));
            }
        }
        return statements;
    }

    private static List<String> parameters(String detail) {
        if (detail == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        Matcher value = PARAMETER.matcher(detail);
        while (value.find()) {
            values.add(value.group(1).equals("NULL") ? null : value.group(2).replace("''", "'"));
        }
        return values;
    }

    private static List<JsonNode> events(SseCollector sse, long backend, String table) {
        return sse.events(event -> event.get("side").asText().equals("server") && event.at("/connection/pid").asLong() == backend
                && event.get("statement").asText().contains(table));
    }
}
