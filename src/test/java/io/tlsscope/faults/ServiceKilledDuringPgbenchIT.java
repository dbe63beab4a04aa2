package io.tlsscope.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.BpfTool;
import io.tlsscope.testsupport.BpfTool.KernelObjects;
import io.tlsscope.testsupport.Commands;
import io.tlsscope.testsupport.FreePort;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TestTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fail-open promise under the hardest stop there is: the packaged service, tracing a private
 * PostgreSQL with TLS, is SIGKILLed while pgbench runs over TLS against it. The database must not
 * notice (pgbench: exit 0, no failed transaction); the kernel must let go of everything the
 * service had placed (its programs, links, maps and uprobes, by kernel id, as bpftool sees them)
 * within 5 s, with no shutdown code of the service run; and a new service must attach and capture
 * again. An IT (failsafe): it runs the packaged application, which the package phase builds.
 */
class ServiceKilledDuringPgbenchIT {
    private static final Duration RELEASED_WITHIN = Duration.ofSeconds(5);
    private static final int PGBENCH_SECONDS = 6;
    /** SSL calls the service must have received from the database during pgbench before it is killed. */
    private static final long CALLS_BEFORE_KILL = 200;
    private static final Pattern FAILED = Pattern.compile("^number of failed transactions: (\\d+)", Pattern.MULTILINE);
    private static final Pattern PROCESSED = Pattern.compile("^number of transactions actually processed: (\\d+)", Pattern.MULTILINE);

    @Test
    void pgbenchDoesNotNoticeTheKernelLetsGoAndARestartCapturesAgain(@TempDir Path directory) throws Exception {
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            Commands.run(List.of("pgbench", "-q", "-i", "-s", "1", server.connectionUri()));
            KernelObjects held;
            Process pgbench;
            Path pgbenchOutput = directory.resolve("pgbench.out");
            try (TracingService service = TracingService.start(FreePort.pick())) {
                service.awaitLibraryUsedBy(server.postmasterPid());
                long callsBefore = callsOfLibraryUsedBy(service, server.postmasterPid());
                pgbench = new ProcessBuilder("pgbench", "-n", "-c", "4", "-j", "2", "-T", Integer.toString(PGBENCH_SECONDS),
                        server.connectionUri()).redirectErrorStream(true).redirectOutput(pgbenchOutput.toFile()).start();
                Await.until(Duration.ofSeconds(PGBENCH_SECONDS), CALLS_BEFORE_KILL + " SSL calls of the database traced during pgbench",
                        () -> callsOfLibraryUsedBy(service, server.postmasterPid()) - callsBefore >= CALLS_BEFORE_KILL);
                held = BpfTool.objectsOf(service.pid());
                assertThat(held.uprobes()).as("uprobes the service holds: %s", held).isPositive();
                assertThat(held.programs()).isNotEmpty();
                assertThat(held.links()).isNotEmpty();

                assertThat(service.kill()).as("exit status of a JVM killed by signal 9").isEqualTo(128 + 9);
                assertThat(pgbench.isAlive()).as("pgbench still running when the service was killed").isTrue();
            }
            Await.until(RELEASED_WITHIN, () -> "the kernel to release the killed service's objects; still held: "
                    + BpfTool.stillLoaded(held), () -> BpfTool.stillLoaded(held).isEmpty());

            assertThat(pgbench.waitFor(PGBENCH_SECONDS + 30, TimeUnit.SECONDS)).as("pgbench finished").isTrue();
            String report = Files.readString(pgbenchOutput, StandardCharsets.UTF_8);
            assertThat(pgbench.exitValue()).as("pgbench exit status; it said:\n%s", report).isZero();
            assertThat(number(FAILED, report)).as("failed transactions; pgbench said:\n%s", report).isZero();
            assertThat(number(PROCESSED, report)).as("transactions processed; pgbench said:\n%s", report).isPositive();

            capturesAfterARestart(server);
        }
    }

    /** A new service attaches to the running database and decodes a marker statement sent over TLS. */
    private static void capturesAfterARestart(PostgresTlsServer server) throws Exception {
        try (TracingService service = TracingService.start(FreePort.pick());
             SseCollector sse = new SseCollector(service.uri("/api/v1/events?type=query"), TestTokens.ADMIN)) {
            service.awaitLibraryUsedBy(server.postmasterPid());
            Await.until(Duration.ofSeconds(20), "the SSE client subscribed", () -> service.counter("sse.clients") >= 1);
            String marker = "SELECT 'restarted-" + UUID.randomUUID() + "'";
            Commands.run(List.of("psql", "-X", "-q", server.connectionUri(), "-c", marker));
            Await.until(Duration.ofSeconds(20), () -> "a server-side query event of the marker; events: " + sse.events(event -> true),
                    () -> !sse.events(event -> isMarker(event, marker)).isEmpty());
        }
    }

    private static boolean isMarker(JsonNode event, String marker) {
        return event.path("statement").asText().equals(marker) && event.path("side").asText().equals("server");
    }

    /** The calls the service received from the library the database's postmaster maps. */
    private static long callsOfLibraryUsedBy(TracingService service, long pid) {
        for (JsonNode library : service.get("/api/v1/libraries")) {
            for (JsonNode user : library.path("pids")) {
                if (user.asLong() == pid) {
                    return library.path("calls").asLong();
                }
            }
        }
        throw new AssertionError("no library used by pid " + pid);
    }

    private static long number(Pattern line, String report) {
        Matcher matcher = line.matcher(report);
        assertThat(matcher.find()).as("a line %s in pgbench's report:\n%s", line, report).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
