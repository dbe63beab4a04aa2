package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tlsscope.cli.client.AlertsCommand;
import io.tlsscope.cli.client.RulesCommand;
import io.tlsscope.testsupport.Jdbc;
import io.tlsscope.testsupport.AlertsApi;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.Commands;
import io.tlsscope.testsupport.MariaDbTlsServer;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.PsqlSession;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TestTokens;
import io.tlsscope.testsupport.TracerApi;
import io.tlsscope.testsupport.WebhookReceiver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * The built-in rules on real sessions over TLS (psql and its backend, the mariadb client and
 * mariadbd, pgbench, JDBC from this JVM), seen through the API: each rule fires once per
 * suppression window on a session made to trigger it, with the statement and processes that fired
 * it; pgbench and a JDBC workload raise nothing; every alert reaches the webhook receiver promptly
 * while a hung webhook only counts failures; the rules file and the REST API change the rules
 * without a restart, and a broken rule changes nothing.
 */
@QuarkusTest
@TestProfile(DetectionProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RulesOnRealSessionsTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String PSQL = "/usr/lib/postgresql/15/bin/psql";

    @TestHTTPResource("/")
    URI base;

    @Test
    @Order(1)
    void pgbenchAndAJdbcWorkloadRaiseNoAlert() throws Exception {
        long evaluatedBefore = TracerApi.counter("rules.evaluated");
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            Commands.run(List.of("pgbench", "-q", "-i", "-s", "1", server.connectionUri()));
            Commands.run(List.of("pgbench", "-n", "-S", "-c", "2", "-T", "4", server.connectionUri()));
            Commands.run(List.of("pgbench", "-n", "-c", "2", "-T", "4", server.connectionUri())); // the default TPC-B-like script
            try (Connection jdbc = Jdbc.postgres("jdbc:postgresql://127.0.0.1:" + server.port()
                    + "/postgres?sslmode=require&user=postgres")) {
                jdbcWorkload(jdbc);
            }
            Await.until(LIMIT, "the rule thread to judge the workload", () ->
                    TracerApi.counter("rules.evaluated") > evaluatedBefore + 1000 && queueDrained());
            assertThat(AlertsApi.matching(AlertsApi.onPort(server.port()))).as("alerts on pgbench and JDBC traffic").isEmpty();
            assertThat(TracerApi.counter("rules.drops")).isZero();
            assertThat(TracerApi.counter("rules.errors")).isZero();
        }
    }

    /** What an application does: a table, batched inserts, prepared selects and updates, a transaction. */
    private static void jdbcWorkload(Connection jdbc) throws Exception {
        try (Statement statement = jdbc.createStatement()) {
            statement.execute("CREATE TABLE orders (id int primary key, customer text, total numeric)");
        }
        try (PreparedStatement insert = jdbc.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
            for (int i = 0; i < 200; i++) {
                insert.setInt(1, i);
                insert.setString(2, "customer-" + (i % 17));
                insert.setBigDecimal(3, java.math.BigDecimal.valueOf(i * 3L, 2));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        jdbc.setAutoCommit(false);
        try (PreparedStatement select = jdbc.prepareStatement("SELECT id, total FROM orders WHERE customer = ? OR id = ?");
             PreparedStatement update = jdbc.prepareStatement("UPDATE orders SET total = total + 1 WHERE id = ?")) {
            for (int i = 0; i < 100; i++) {
                select.setString(1, "customer-" + (i % 17));
                select.setInt(2, i);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        rows.getInt(1);
                    }
                }
                update.setInt(1, i);
                update.executeUpdate();
            }
        }
        jdbc.commit();
    }

    private static boolean queueDrained() {
        long before = TracerApi.counter("rules.evaluated") + TracerApi.counter("rules.duplicates");
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return TracerApi.counter("rules.evaluated") + TracerApi.counter("rules.duplicates") == before;
    }

    @Test
    @Order(2)
    void eachBuiltInRuleFiresOnceOnAPostgresSessionMadeToTriggerIt() throws Exception {
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            server.addPasswordUser("reader", "reader-secret");
            // both sessions stay open until the alerts are in: a process that has exited has no executable path to show
            try (PsqlSession admin = server.openPsql(); PsqlSession reader = server.openPsql("reader", "reader-secret")) {
                admin.query("CREATE TABLE payroll (name text, salary int);");
                admin.query("DROP TABLE payroll;");
                admin.query("CREATE TABLE payroll (name text, salary int);");
                admin.query("SELECT rolname, rolpassword FROM pg_authid;");
                admin.query("COPY (SELECT 1) TO PROGRAM 'cat > /dev/null';");
                admin.query("SELECT length(pg_read_file('PG_VERSION'));");
                admin.query("SELECT name FROM payroll WHERE name = '' OR '1'='1';");
                admin.query("\\o /dev/null");
                admin.query("SELECT g FROM generate_series(1, 150000) g;");
                for (int page = 0; page < 6; page++) {
                    admin.query("SELECT g FROM generate_series(1, 90000) g;"); // 540000 rows, each page below the one-statement limit
                }
                for (int i = 0; i < 6; i++) {
                    assertThat(reader.query("SELECT * FROM payroll;")).contains("permission denied");
                }
                String wrongPassword = "postgresql://reader:wrong-" + UUID.randomUUID() + "@127.0.0.1:" + server.port()
                        + "/postgres?sslmode=require";
                try (SseCollector logins = subscribed(loginEvents())) {
                    for (int i = 0; i < 6; i++) {
                        assertThat(Commands.exitCode(List.of("psql", "-X", wrongPassword, "-c", "SELECT 1"))).isNotZero();
                    }
                    awaitRefusedLogins(logins, server.port(), "28P01");
                }
                checkPostgresAlerts(server.port());
            }
        }
    }

    private static void checkPostgresAlerts(int port) {
        Map<String, JsonNode> alerts = awaitOneEach(port, Set.of("ddl-from-interactive-client", "credential-catalog-read",
                "server-file-or-program-access", "injection-markers", "bulk-export-statement", "bulk-export-window",
                "permission-denied-burst", "failed-login-burst", "new-client-triple"));

        JsonNode ddl = alerts.get("ddl-from-interactive-client");
        assertThat(ddl.at("/query/statement").asText()).isEqualTo("CREATE TABLE payroll (name text, salary int);");
        assertThat(ddl.at("/client/comm").asText()).isEqualTo("psql");
        assertThat(ddl.at("/client/exe").asText()).isEqualTo(PSQL);
        assertThat(ddl.at("/server/comm").asText()).isEqualTo("postgres");
        assertThat(ddl.at("/query/side").asText()).as("judged on the server's side").isEqualTo("server");
        assertThat(ddl.at("/query/connection/user").asText()).isEqualTo("postgres");
        assertThat(ddl.path("severity").asText()).isEqualTo("high");
        assertThat(ddl.path("count").asLong()).as("CREATE, DROP, CREATE in one window").isEqualTo(3);
        assertThat(alerts.get("credential-catalog-read").at("/query/statement").asText()).contains("pg_authid");
        assertThat(alerts.get("server-file-or-program-access").at("/query/statement").asText()).contains("TO PROGRAM");
        assertThat(alerts.get("server-file-or-program-access").path("count").asLong()).isEqualTo(2);
        assertThat(alerts.get("injection-markers").at("/query/statement").asText()).contains("OR '1'='1'");
        assertThat(alerts.get("bulk-export-statement").at("/query/rows").asLong()).isEqualTo(150000);
        assertThat(alerts.get("bulk-export-window").at("/query/rows").asLong()).isEqualTo(90000);
        JsonNode denied = alerts.get("permission-denied-burst");
        assertThat(denied.at("/query/sqlState").asText()).isEqualTo("42501");
        assertThat(denied.at("/query/connection/user").asText()).isEqualTo("reader");
        assertThat(denied.path("key").asText()).isEqualTo("127.0.0.1 -> 127.0.0.1:" + port);
        JsonNode logins = alerts.get("failed-login-burst");
        assertThat(logins.at("/query/command").asText()).isEqualTo("login");
        assertThat(logins.at("/query/sqlState").asText()).isEqualTo("28P01");
        assertThat(logins.at("/client/comm").asText()).isEqualTo("psql");
        assertThat(AlertsApi.matching(AlertsApi.rule("new-client-triple").and(AlertsApi.onPort(port))))
                .extracting(alert -> alert.path("key").asText())
                .containsExactlyInAnyOrder(PSQL + " postgres postgres", PSQL + " reader postgres");
    }

    @Test
    @Order(3)
    void theMariadbClientsDdlCatalogReadAndFailedLogins() throws Exception {
        try (MariaDbTlsServer server = MariaDbTlsServer.start()) {
            TracerApi.awaitLibraryUsedBy(server.serverPid());
            server.sql("CREATE USER app@'127.0.0.1' IDENTIFIED BY 'app-secret'; GRANT ALL ON *.* TO app@'127.0.0.1'");
            mariadb(server.client("app", "app-secret", null), """
                    CREATE DATABASE shop;
                    CREATE TABLE shop.items (id int primary key);
                    DROP DATABASE shop;
                    SELECT User, Host FROM mysql.user;
                    """);
            try (SseCollector logins = subscribed(loginEvents())) {
                for (int i = 0; i < 5; i++) {
                    mariadb(server.client("app", "wrong-" + UUID.randomUUID(), null), "SELECT 1;");
                }
                awaitRefusedLogins(logins, server.port(), "28000");
            }
            Map<String, JsonNode> alerts = awaitOneEach(server.port(), Set.of("ddl-from-interactive-client", "credential-catalog-read",
                    "failed-login-burst", "new-client-triple"));
            assertThat(alerts.get("ddl-from-interactive-client").at("/query/statement").asText()).isEqualTo("CREATE DATABASE shop");
            assertThat(alerts.get("ddl-from-interactive-client").at("/client/comm").asText()).isEqualTo("mariadb");
            assertThat(alerts.get("ddl-from-interactive-client").at("/server/comm").asText()).isEqualTo("mariadbd");
            assertThat(alerts.get("ddl-from-interactive-client").path("count").asLong()).isEqualTo(3);
            assertThat(alerts.get("credential-catalog-read").at("/query/statement").asText()).contains("mysql.user");
            assertThat(alerts.get("failed-login-burst").at("/query/errorCode").asInt()).isEqualTo(1045);
            assertThat(alerts.get("failed-login-burst").at("/query/connection/user").asText()).isEqualTo("app");
        }
    }

    private URI loginEvents() {
        return base.resolve("/api/v1/events?type=query");
    }

    private static SseCollector subscribed(URI uri) {
        long clients = TracerApi.sseClients();
        SseCollector sse = new SseCollector(uri);
        TracerApi.awaitSseClients(clients + 1);
        return sse;
    }

    /** Every refused login is a query event (command login) from the server's side, with its SQLSTATE. */
    private static void awaitRefusedLogins(SseCollector sse, int port, String sqlState) {
        Await.until(LIMIT, "5 refused logins decoded from the server's side", () -> sse.events(event ->
                event.path("command").asText().equals("login") && event.path("side").asText().equals("server")
                        && event.at("/connection/source").asText().endsWith(":" + port)).size() >= 5);
        assertThat(sse.events(event -> event.path("command").asText().equals("login"))).allSatisfy(event -> {
            assertThat(event.path("sqlState").asText()).isEqualTo(sqlState);
            assertThat(event.path("statement").asText()).isEmpty();
        });
    }

    private static void mariadb(ProcessBuilder client, String script) throws Exception {
        Process process = client.start();
        process.outputWriter(StandardCharsets.UTF_8).append(script).close();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Waits for each rule's alert on the server's port and checks each fired exactly once. */
    private static Map<String, JsonNode> awaitOneEach(int port, Set<String> rules) {
        try {
            Await.until(LIMIT, "an alert of each of " + rules, () -> AlertsApi.matching(AlertsApi.onPort(port)).stream()
                    .map(alert -> alert.path("rule").asText()).collect(Collectors.toSet()).containsAll(rules));
        } catch (AssertionError missing) {
            throw new AssertionError(missing.getMessage() + "; raised: " + AlertsApi.matching(AlertsApi.onPort(port)).stream()
                    .map(alert -> alert.path("rule").asText() + " [" + alert.path("key").asText() + "]").toList(), missing);
        }
        List<JsonNode> alerts = AlertsApi.matching(AlertsApi.onPort(port));
        for (String rule : rules) {
            if (!rule.equals("new-client-triple")) {
                assertThat(alerts.stream().filter(AlertsApi.rule(rule)).toList()).as("alerts of " + rule).hasSize(1);
            }
        }
        return alerts.stream().filter(alert -> rules.contains(alert.path("rule").asText()))
                .collect(Collectors.toMap(alert -> alert.path("rule").asText(), alert -> alert, (newer, older) -> older));
    }

    @Test
    @Order(4)
    void everyAlertReachesTheWebhookPromptlyWhileAHungOneOnlyCountsFailures() {
        List<JsonNode> rules = AlertsApi.matching(alert -> alert.path("kind").asText().equals("rule"));
        assertThat(rules).as("alerts raised by the tests before").hasSizeGreaterThan(10);
        Set<String> ids = rules.stream().map(alert -> alert.path("id").asText()).collect(Collectors.toSet());
        Await.until(LIMIT, "every alert at the receiver", () -> DetectionProfile.RECEIVER.received().stream()
                .map(received -> received.body().path("id").asText()).collect(Collectors.toSet()).containsAll(ids));
        for (WebhookReceiver.Received received : DetectionProfile.RECEIVER.received()) {
            assertThat(received.body().path("type").asText()).isEqualTo("alert");
        }
        // the hung webhook takes 2 x 1 s per alert and is far behind; the receiver's deliveries never waited for it
        Await.until(LIMIT, "deliveries to the hung webhook counted as failed", () -> TracerApi.counter("webhook.failed") >= 2);
        assertThat(TracerApi.counter("webhook.delivered")).isGreaterThanOrEqualTo(ids.size());

        long before = DetectionProfile.RECEIVER.received().size();
        String marker = "webhook-latency-" + UUID.randomUUID();
        given().contentType("application/json").body("{\"condition\": \"statement.contains('" + marker + "')\", \"severity\": \"low\"}")
                .put("/api/v1/rules/webhook-latency").then().statusCode(201);
        try (PostgresTlsServer server = PostgresTlsServer.start(); PsqlSession psql = server.openPsql()) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            psql.query("SELECT '" + marker + "';");
            JsonNode alert = AlertsApi.await(LIMIT, "the marker's alert", AlertsApi.rule("webhook-latency"));
            Await.until(Duration.ofSeconds(5), "the marker's alert at the receiver", () -> DetectionProfile.RECEIVER.received().stream()
                    .skip(before).anyMatch(received -> received.body().path("id").asText().equals(alert.path("id").asText())));
            Instant raised = Instant.parse(alert.path("first").asText());
            WebhookReceiver.Received arrived = DetectionProfile.RECEIVER.received().stream()
                    .filter(received -> received.body().path("id").asText().equals(alert.path("id").asText())).findFirst().orElseThrow();
            assertThat(arrived.body().at("/query/statement").asText()).contains(marker);
            assertThat(Duration.between(raised, Instant.now())).as("raised to checked, with the hung webhook 2 s per alert behind")
                    .isLessThan(Duration.ofSeconds(5));
        } finally {
            given().delete("/api/v1/rules/webhook-latency").then().statusCode(204);
        }
    }

    @Test
    @Order(5)
    void theRulesFileAndTheRestApiChangeRulesWithoutARestartAndABrokenRuleChangesNothing() throws Exception {
        String fileMarker = "file-marker-" + UUID.randomUUID();
        String restMarker = "rest-marker-" + UUID.randomUUID();
        try (PostgresTlsServer server = PostgresTlsServer.start(); PsqlSession psql = server.openPsql()) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            Files.writeString(DetectionProfile.RULES_FILE, """
                    rules:
                      - id: file-marker
                        description: a statement carrying the file's marker
                        severity: low
                        condition: statement.contains("%s")
                    """.formatted(fileMarker));
            Await.until(LIMIT, "the file's rule in force", () -> given().get("/api/v1/rules/file-marker").statusCode() == 200);
            given().get("/api/v1/rules/file-marker").then().body("source", equalTo("file")).body("severity", equalTo("low"));
            psql.query("SELECT '" + fileMarker + "';");
            AlertsApi.await(LIMIT, "the file rule's alert", AlertsApi.rule("file-marker"));

            long failuresBefore = TracerApi.counter("rules.reload-failures");
            Files.writeString(DetectionProfile.RULES_FILE, """
                    rules:
                      - id: file-marker
                        condition: statement.contains("unclosed
                    """);
            Await.until(LIMIT, "the broken file to be rejected", () -> TracerApi.counter("rules.reload-failures") > failuresBefore);
            given().get("/api/v1/rules/file-marker").then().statusCode(200)
                    .body("condition", equalTo("statement.contains(\"" + fileMarker + "\")"));

            String broken = "statement.contains('" + restMarker + "') && rows > 'x'";
            given().contentType("application/json").body("{\"condition\": \"" + broken + "\"}")
                    .put("/api/v1/rules/rest-marker").then().statusCode(400).contentType("application/problem+json")
                    .body("rule", equalTo("rest-marker")).body("field", equalTo("condition")).body("line", equalTo(1))
                    .body("column", equalTo(broken.indexOf("> 'x'") + 1)).body("detail", containsString("no matching overload"));
            given().get("/api/v1/rules/rest-marker").then().statusCode(404);
            given().contentType("application/json").body("{\"condition\": \"statement.contains('" + restMarker + "')\", \"severity\": \"info\","
                    + " \"tags\": [\"test\"], \"suppress\": {\"window\": \"1h\"}}").put("/api/v1/rules/rest-marker").then().statusCode(201);
            psql.query("SELECT '" + restMarker + "';");
            JsonNode alert = AlertsApi.await(LIMIT, "the REST rule's alert", AlertsApi.rule("rest-marker"));
            assertThat(alert.path("tags").get(0).asText()).isEqualTo("test");
            assertThat(Files.readString(DetectionProfile.RULES_FILE)).as("REST changes are written to the file").contains("rest-marker");

            given().contentType("application/json").body("{\"rules\": [{\"id\": \"a\", \"condition\": \"user == 'x'\"},"
                    + " {\"id\": \"b\", \"condition\": \"sql.matches('(')\"}]}").post("/api/v1/rules/validate").then().statusCode(400)
                    .body("rule", equalTo("b")).body("detail", containsString("invalid regular expression"));
            given().contentType("application/json").body("{\"rules\": [{\"id\": \"a\", \"condition\": \"user == 'x'\"}]}")
                    .post("/api/v1/rules/validate").then().statusCode(200).body("valid", equalTo(true));

            given().delete("/api/v1/rules/ddl-from-interactive-client").then().statusCode(409);
            given().delete("/api/v1/rules/rest-marker").then().statusCode(204);
            given().get("/api/v1/rules/rest-marker").then().statusCode(404);
            given().header("Authorization", "Bearer " + TestTokens.VIEWER).contentType("application/json").body("{\"condition\": \"true\"}")
                    .put("/api/v1/rules/viewer-try").then().statusCode(403);
        } finally {
            Files.writeString(DetectionProfile.RULES_FILE, "rules: []\n");
        }
    }

    @Test
    @Order(6)
    void theCommandLineListsRulesAndFollowsAlerts() throws Exception {
        String[] client = {"--url", base.toString(), "--token", TestTokens.VIEWER};
        Run rules = run(new RulesCommand(), client);
        assertThat(rules.exit()).as(rules.err()).isZero();
        assertThat(rules.out()).startsWith("ID").contains("ddl-from-interactive-client").contains("built-in");
        Run recent = run(new AlertsCommand(), client);
        assertThat(recent.out()).contains("rule ddl-from-interactive-client").contains("CREATE TABLE payroll");

        Path rulesFile = DetectionProfile.DIRECTORY.resolve("cli-rules.yaml");
        Files.writeString(rulesFile, "rules:\n  - id: cli-bad\n    condition: rows >\n");
        Run invalid = run(new RulesCommand(), "validate", rulesFile.toString(), "--url", base.toString(), "--token", TestTokens.ADMIN);
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err()).contains("cli-bad").contains("condition at 1:");

        String marker = "cli-marker-" + UUID.randomUUID();
        Files.writeString(rulesFile, "rules:\n  - id: cli-marker\n    condition: statement.contains('" + marker + "')\n");
        Run put = run(new RulesCommand(), "put", rulesFile.toString(), "--url", base.toString(), "--token", TestTokens.ADMIN);
        assertThat(put.out()).as(put.err()).contains("added cli-marker");
        // the session opens once the server is traced: a login not seen leaves the user unknown, a triple
        // never seen before, whose alert could come first
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            try (PsqlSession psql = server.openPsql()) {
                long clients = TracerApi.sseClients();
                CompletableFuture<Run> follow = CompletableFuture.supplyAsync(() -> run(new AlertsCommand(),
                        "--follow", "--limit", "1", "--url", base.toString(), "--token", TestTokens.VIEWER));
                TracerApi.awaitSseClients(clients + 1);
                psql.query("SELECT '" + marker + "';");
                Run followed = follow.get(20, TimeUnit.SECONDS);
                assertThat(followed.exit()).isZero();
                assertThat(followed.out()).contains("rule cli-marker").contains(marker);
            }
        } finally {
            run(new RulesCommand(), "delete", "cli-marker", "--url", base.toString(), "--token", TestTokens.ADMIN);
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
