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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MariaDB serves every connection from threads of one process and reuses a freed SSL object's
 * address for the next connection: the server side, the vantage point that matters most, must
 * still give each statement to its own connection and user. The server's general log is the
 * ground truth. The mariadb client is seen from both ends, Connector/J (Java's TLS, not OpenSSL)
 * from the server's. The tests share one server, so its SSL objects are reused across them.
 */
@QuarkusTest
class MariaDbServerSideTest {
    private static final int CLI_SESSIONS = 100;
    private static final int JDBC_SESSIONS = 400;
    private static MariaDbTlsServer server;

    @TestHTTPResource("/api/v1/events?type=query")
    URI queryEvents;

    @TestHTTPResource("/api/v1/events?type=all")
    URI allEvents;

    @BeforeAll
    static void startServer() {
        server = MariaDbTlsServer.start();
        server.sql("SET GLOBAL local_infile = ON");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /**
     * 500 short sessions of two users, many at once: 100 through the mariadb client, 400 through
     * Connector/J. Each session's marker is one query event per side that sees it, with its own
     * user, and every session is its own connection id.
     */
    @Test
    void fiveHundredShortSessionsEachAttributedToItsOwnConnectionAndUser() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> users = List.of("alpha_" + run, "beta_" + run);
        String database = "many_" + run;
        users.forEach(user -> createUser(user, database));
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.serverPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            Map<String, String> userOfMarker = Collections.synchronizedMap(new HashMap<>());
            Map<String, Long> clientPidOfMarker = Collections.synchronizedMap(new HashMap<>());
            ExecutorService workers = Executors.newFixedThreadPool(16);
            List<Future<?>> sessions = new ArrayList<>();
            for (int i = 0; i < CLI_SESSIONS + JDBC_SESSIONS; i++) {
                String user = users.get(i % 2);
                String marker = "marker-" + run + "-" + i;
                userOfMarker.put(marker, user);
                boolean cli = i < CLI_SESSIONS;
                sessions.add(workers.submit(() -> {
                    if (cli) {
                        clientPidOfMarker.put(marker, cliSession(user, database, "SELECT '" + marker + "';\n"));
                    } else {
                        jdbcSession(user, database, "SELECT '" + marker + "'");
                    }
                    return null;
                }));
            }
            for (Future<?> session : sessions) {
                session.get();
            }
            workers.shutdown();

            Await.until(Duration.ofSeconds(60), () -> "every marker decoded from the server side; missing "
                    + missing(serverMarkers(sse, run).keySet(), userOfMarker.keySet()).size(),
                    () -> serverMarkers(sse, run).keySet().containsAll(userOfMarker.keySet()));
            Await.until(Duration.ofSeconds(30), "every mariadb client's marker decoded from the client side",
                    () -> clientMarkers(sse, run).keySet().containsAll(clientPidOfMarker.keySet()));

            Map<String, List<JsonNode>> server = serverMarkers(sse, run);
            Set<Long> connections = new HashSet<>();
            for (Map.Entry<String, String> expected : userOfMarker.entrySet()) {
                List<JsonNode> seen = server.get(expected.getKey());
                assertThat(seen).as("server-side events of %s", expected.getKey()).hasSize(1);
                JsonNode event = seen.getFirst();
                assertThat(event.at("/connection/user").asText()).as(expected.getKey()).isEqualTo(expected.getValue());
                assertThat(event.at("/connection/database").asText()).isEqualTo(database);
                assertThat(event.at("/connection/pid").asLong()).isEqualTo(server().serverPid());
                connections.add(event.at("/connection/id").asLong());
            }
            assertThat(connections).as("one connection id per session").hasSize(CLI_SESSIONS + JDBC_SESSIONS);

            Map<String, List<JsonNode>> client = clientMarkers(sse, run);
            for (Map.Entry<String, Long> expected : clientPidOfMarker.entrySet()) {
                List<JsonNode> seen = client.get(expected.getKey());
                assertThat(seen).as("client-side events of %s", expected.getKey()).hasSize(1);
                JsonNode clientSide = seen.getFirst();
                JsonNode serverSide = server.get(expected.getKey()).getFirst();
                assertThat(clientSide.at("/connection/pid").asLong()).isEqualTo(expected.getValue());
                assertThat(clientSide.at("/connection/user").asText()).isEqualTo(userOfMarker.get(expected.getKey()));
                assertThat(clientSide.at("/connection/source").asText()).as("the two ends of one TCP connection")
                        .isEqualTo(serverSide.at("/connection/destination").asText());
                assertThat(clientSide.at("/connection/destination").asText()).isEqualTo(serverSide.at("/connection/source").asText());
            }
        }
    }

    /**
     * A script of diverse statements through the mariadb client, after other sessions made the
     * server reuse SSL objects: every Query and Init DB the general log shows for the session is
     * exactly one server-side and one client-side event, in order, with its user and database.
     */
    @Test
    void everyLoggedStatementOfADiverseScriptFromBothEnds(@TempDir Path work) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "script_" + run;
        String database = "script_db_" + run;
        createUser(user, database);
        for (int i = 0; i < 20; i++) {
            jdbcSession(user, database, "SELECT 'churn " + i + "'"); // SSL objects freed and reused
        }
        Path rows = work.resolve("rows.tsv");
        Files.writeString(rows, "10\tten\n11\televen\n12\ttwelve\n");
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        String script = """
                CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40)) CHARACTER SET utf8mb4;
                INSERT INTO items VALUES (1, 'one'), (2, 'Grüße'), (3, 'emoji 🐘🔐'), (4, 'four');
                SELECT id, name FROM items ORDER BY id;
                SELECT name FROM items WHERE name LIKE '%%🐘%%';
                SELECT * FROM no_such_table;
                DELIMITER //
                CREATE PROCEDURE count_items(OUT total INT) BEGIN SELECT COUNT(*) INTO total FROM items; END //
                SELECT 'multi one'; SELECT 'multi two' //
                DELIMITER ;
                CALL count_items(@total);
                SELECT @total;
                PREPARE lookup FROM 'SELECT name FROM items WHERE id = ?';
                SET @wanted = 3;
                EXECUTE lookup USING @wanted;
                DEALLOCATE PREPARE lookup;
                LOAD DATA LOCAL INFILE '%s' INTO TABLE items;
                SELECT COUNT(*) FROM items;
                USE mysql;
                USE %s;
                UPDATE items SET name = 'uno' WHERE id = 1;
                INSERT INTO items VALUES (1, 'duplicate');
                DROP PROCEDURE count_items;
                DROP TABLE items;
                """.formatted(rows, database);
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.serverPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            ProcessBuilder builder = server.client(user, "pw-" + user, database);
            builder.command().add(builder.command().size() - 1, "--local-infile=1");
            builder.command().add(builder.command().size() - 1, "--default-character-set=utf8mb4");
            Process client = builder.start();
            client.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().close();
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            client.waitFor();
            assertThat(output).contains("ERROR 1146").contains("ERROR 1062").contains("ERROR 1044").contains("Grüße").contains("🐘")
                    .doesNotContain("ERROR 1366").doesNotContain("ERROR 1267");

            String log = server.generalLog();
            long session = MariaDbGeneralLog.connectionOf(log, user).orElseThrow(() -> new AssertionError("no login of " + user));
            List<String> logged = MariaDbGeneralLog.commands(log, session, List.of("Query", "Init DB")).stream()
                    .map(entry -> entry.command() + " " + entry.argument()).toList();
            assertThat(logged).as("the script's statements as the server logged them").hasSizeGreaterThanOrEqualTo(20);

            Await.until(Duration.ofSeconds(30), "a query event per logged statement on each side", () ->
                    events(sse, client.pid(), "client").size() >= logged.size() && events(sse, client.pid(), "server").size() >= logged.size());
            List<JsonNode> clientSide = events(sse, client.pid(), "client");
            List<JsonNode> serverSide = events(sse, client.pid(), "server");
            assertThat(clientSide).extracting(MariaDbServerSideTest::asLogged).containsExactlyElementsOf(logged);
            assertThat(serverSide).extracting(MariaDbServerSideTest::asLogged).containsExactlyElementsOf(logged);
            for (List<JsonNode> side : List.of(clientSide, serverSide)) {
                assertThat(side).allSatisfy(event -> assertThat(event.at("/connection/user").asText()).isEqualTo(user));
                assertThat(side).filteredOn(event -> event.get("statement").asText().startsWith("LOAD DATA"))
                        .singleElement().satisfies(event -> assertThat(event.get("rows").asLong()).isEqualTo(3));
                assertThat(side).filteredOn(event -> event.get("statement").asText().startsWith("INSERT INTO items VALUES (1, 'dup"))
                        .singleElement().satisfies(event -> assertThat(event.get("errorCode").asInt()).isEqualTo(1062));
            }
            assertThat(serverSide.getFirst().at("/connection/id").asLong())
                    .isNotEqualTo(clientSide.getFirst().at("/connection/id").asLong());
        }
    }

    /**
     * A PAM login with mysql_clear_password (the password itself crosses the TLS stream) after
     * many sessions, so it lands on a reused SSL object of the server: the password is in no raw or
     * query event of either end.
     */
    @Test
    void aClearPasswordLoginOnAReusedSslObjectIsBlanked() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "pam_" + run;
        String database = "pam_db_" + run;
        String password = "clear-" + UUID.randomUUID();
        server.addCleartextPasswordUser(user, password, database);
        createUser("churn_" + run, database);
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(allEvents)) {
            TracerApi.awaitLibraryUsedBy(server.serverPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            for (int i = 0; i < 30; i++) {
                jdbcSession("churn_" + run, database, "SELECT 'churn " + i + "'");
            }
            long pid = cliSession(user, password, database, "SELECT 'after pam login " + run + "';\n");
            Await.until(Duration.ofSeconds(30), "the statement after the PAM login from both ends", () ->
                    sse.events(event -> event.path("statement").asText().equals("SELECT 'after pam login " + run + "'")).size() >= 2);
            assertThat(sse.events(event -> event.path("pid").asLong() == pid)).as("the client's own raw events").isNotEmpty();
            assertThat(sse.events(event -> decoded(event).contains(password))).as("events carrying the password").isEmpty();
        }
    }

    private static String decoded(JsonNode event) {
        String base64 = event.path("base64").asText("");
        return event.toString() + new String(java.util.Base64.getDecoder().decode(base64), StandardCharsets.ISO_8859_1);
    }

    private static MariaDbTlsServer server() {
        return server;
    }

    private static void createUser(String user, String database) {
        server.sql("CREATE DATABASE IF NOT EXISTS " + database + "; CREATE USER " + user + "@'127.0.0.1' IDENTIFIED BY 'pw-" + user
                + "'; GRANT ALL ON " + database + ".* TO " + user + "@'127.0.0.1'");
    }

    /** One mariadb client session running script; returns the client's pid. */
    private static long cliSession(String user, String database, String script) throws Exception {
        return cliSession(user, "pw-" + user, database, script);
    }

    private static long cliSession(String user, String password, String database, String script) throws Exception {
        Process client = server.client(user, password, database).start();
        client.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(client.waitFor()).as(output).isZero();
        return client.pid();
    }

    private static void jdbcSession(String user, String database, String statement) throws Exception {
        try (Connection connection = Jdbc.mariadb(server.jdbcUrl(database), user, "pw-" + user);
             Statement query = connection.createStatement();
             ResultSet result = query.executeQuery(statement)) {
            assertThat(result.next()).isTrue();
        }
    }

    /** The marker statements decoded from the server's side, by marker. */
    private static Map<String, List<JsonNode>> serverMarkers(SseCollector sse, String run) {
        return markers(sse, run, "server");
    }

    private static Map<String, List<JsonNode>> clientMarkers(SseCollector sse, String run) {
        return markers(sse, run, "client");
    }

    private static Map<String, List<JsonNode>> markers(SseCollector sse, String run, String side) {
        Map<String, List<JsonNode>> byMarker = new HashMap<>();
        String prefix = "SELECT 'marker-" + run + "-";
        for (JsonNode event : sse.events(event -> event.get("side").asText().equals(side)
                && event.path("statement").asText().startsWith(prefix))) {
            String statement = event.get("statement").asText();
            byMarker.computeIfAbsent(statement.substring("SELECT '".length(), statement.length() - 1), key -> new ArrayList<>()).add(event);
        }
        return byMarker;
    }

    private static Set<String> missing(Set<String> seen, Set<String> expected) {
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(seen);
        return missing;
    }

    /** The events of one mariadb client's session, from one side: the client's own, or the server's end of its connection. */
    private static List<JsonNode> events(SseCollector sse, long clientPid, String side) {
        if (side.equals("client")) {
            return sse.events(event -> event.get("side").asText().equals("client") && event.at("/connection/pid").asLong() == clientPid);
        }
        Set<String> clientEnds = new HashSet<>();
        sse.events(event -> event.get("side").asText().equals("client") && event.at("/connection/pid").asLong() == clientPid)
                .forEach(event -> clientEnds.add(event.at("/connection/source").asText()));
        return sse.events(event -> event.get("side").asText().equals("server")
                && clientEnds.contains(event.at("/connection/destination").asText()));
    }

    private static String asLogged(JsonNode event) {
        String statement = event.get("statement").asText();
        return switch (event.get("command").asText()) {
            case "query" -> "Query " + statement;
            // a refused Init DB is logged with the server's message in place of the schema
            case "init-db" -> "Init DB " + (event.has("errorCode") ? event.get("error").asText() : statement);
            default -> throw new AssertionError("unexpected command in " + event);
        };
    }
}
