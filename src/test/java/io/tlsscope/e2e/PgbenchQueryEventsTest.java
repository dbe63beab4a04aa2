package io.tlsscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.Commands;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The extended protocol on a real server: pgbench -S in -M extended (unnamed statements) and
 * -M prepared (named) modes. Ground truth is the server's log: every "execute NAME: TEXT" line
 * with its "parameters: $1 = 'V'" detail must be exactly one query event from the backend, with
 * that statement and parameter, in the same order. In -M simple mode every logged "statement:" line
 * is exactly one query event with that text.
 */
@QuarkusTest
class PgbenchQueryEventsTest {
    private static final int TRANSACTIONS = 20;
    private static final Pattern EXECUTE = Pattern.compile(
            "\\[(\\d+)\\] LOG:  execute [^:]+: (SELECT abalance FROM pgbench_accounts WHERE aid = \\$1;)\\n.*?DETAIL:  parameters: \\$1 = '(\\d+)'",
            Pattern.DOTALL);

    @TestHTTPResource("/api/v1/events?type=query")
    URI queryEvents;

    /** -M simple: pgbench puts the value into the text; the server logs each statement whole. */
    private static final Pattern SIMPLE = Pattern.compile(
            "\\[(\\d+)\\] LOG:  statement: (SELECT abalance FROM pgbench_accounts WHERE aid = \\d+;)$", Pattern.MULTILINE);

    private record Logged(long backend, String statement, String parameter) {
    }

    @Test
    void everyLoggedSimpleStatementIsOneQueryEvent() throws Exception {
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            Commands.run(List.of("pgbench", "-q", "-i", "-s", "1", server.connectionUri()));
            Commands.run(List.of("pgbench", "-n", "-S", "-M", "simple", "-c", "1", "-t", Integer.toString(TRANSACTIONS),
                    server.connectionUri()));

            List<Logged> logged = new ArrayList<>();
            Matcher line = SIMPLE.matcher(server.serverLog());
            while (line.find()) {
                logged.add(new Logged(Long.parseLong(line.group(1)), line.group(2), null));
            }
            assertThat(logged).hasSize(TRANSACTIONS);
            long backend = logged.getFirst().backend();
            Await.until(Duration.ofSeconds(20), TRANSACTIONS + " query events from the backend", () ->
                    fromBackend(sse, backend).size() >= TRANSACTIONS);
            List<JsonNode> events = fromBackend(sse, backend);
            assertThat(events).extracting(event -> event.get("statement").asText())
                    .containsExactlyElementsOf(logged.stream().map(Logged::statement).toList());
            assertThat(events).allSatisfy(event -> {
                assertThat(event.get("command").asText()).isEqualTo("query");
                assertThat(event.get("parameters")).isEmpty();
                assertThat(event.get("rows").asLong()).isEqualTo(1);
            });
        }
    }

    @ParameterizedTest(name = "pgbench -M {0}")
    @ValueSource(strings = {"extended", "prepared"})
    void everyLoggedExecuteIsOneQueryEvent(String mode) throws Exception {
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(queryEvents)) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            Commands.run(List.of("pgbench", "-q", "-i", "-s", "1", server.connectionUri()));
            Commands.run(List.of("pgbench", "-n", "-S", "-M", mode, "-c", "1", "-t", Integer.toString(TRANSACTIONS),
                    server.connectionUri()));

            List<Logged> logged = executes(server.serverLog());
            assertThat(logged).hasSize(TRANSACTIONS);
            long backend = logged.getFirst().backend();
            Await.until(Duration.ofSeconds(20), TRANSACTIONS + " query events from the backend", () ->
                    fromBackend(sse, backend).size() >= TRANSACTIONS);
            List<JsonNode> events = fromBackend(sse, backend);
            assertThat(events).hasSize(TRANSACTIONS);
            for (int i = 0; i < TRANSACTIONS; i++) {
                JsonNode event = events.get(i);
                assertThat(event.get("statement").asText()).isEqualTo(logged.get(i).statement());
                assertThat(event.get("parameters").get(0).asText()).isEqualTo(logged.get(i).parameter());
                assertThat(event.get("commandTag").asText()).isEqualTo("SELECT 1");
                assertThat(event.get("rows").asLong()).isEqualTo(1);
                assertThat(event.at("/connection/application").asText()).isEqualTo("pgbench");
            }
        }
    }

    private static List<Logged> executes(String serverLog) {
        List<Logged> executes = new ArrayList<>();
        Matcher line = EXECUTE.matcher(serverLog);
        while (line.find()) {
            executes.add(new Logged(Long.parseLong(line.group(1)), line.group(2), line.group(3)));
        }
        return executes;
    }

    private static List<JsonNode> fromBackend(SseCollector sse, long backend) {
        return sse.events(event -> event.get("side").asText().equals("server") && event.at("/connection/pid").asLong() == backend
                && event.get("statement").asText().startsWith("SELECT abalance"));
    }
}
