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
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fail-open promise under the hardest stop there is: the packaged service, tracing a private
 * PostgreSQL with TLS, is SIGKILLed while pgbench runs over TLS against it. The database must not
 * notice (pgbench: exit 0, no failed transaction; the server logs no error meanwhile); the kernel
 * must let go of everything the service had placed (its programs, links, maps and uprobes, by
 * kernel id, as bpftool sees them) within 5 s, with no shutdown code of the service run; and a new
 * service, started while pgbench still runs, must attach and capture again. An IT (failsafe): it
 * runs the packaged application, which the package phase builds.
 */
class ServiceKilledDuringPgbenchIT {
    private static final Duration RELEASED_WITHIN = Duration.ofSeconds(5);
    private static final int PGBENCH_SECONDS = 8;
    /** SSL calls the service must have received from the database during pgbench before it is killed. */
    private static final long CALLS_BEFORE_KILL = 200;
    private static final Pattern SERVER_ERROR = Pattern.compile("^.*\\b(ERROR|FATAL|PANIC): .*$", Pattern.MULTILINE);

    @Test
    void pgbenchDoesNotNoticeTheKernelLetsGoAndARestartCapturesAgain(@TempDir Path directory) throws Exception {
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            Commands.run(List.of("pgbench", "-q", "-i", "-s", "1", server.connectionUri()));
            int logBefore = server.serverLog().length();
            try (TracingService service = TracingService.start(FreePort.pick())) {
                service.awaitLibraryUsedBy(server.postmasterPid());
                KernelObjects held = heldBy(service);
                try (PgbenchRun pgbench = startPgbenchWhenTraced(service, server, directory.resolve("pgbench.out"))) {
                    assertThat(service.kill()).as("exit status of a JVM killed by signal 9").isEqualTo(128 + 9);
                    assertThat(pgbench.isRunning()).as("pgbench still running when the service was killed").isTrue();
                    Await.until(RELEASED_WITHIN, () -> "the kernel to release the killed service's objects; still held: "
                            + BpfTool.stillLoaded(held), () -> BpfTool.stillLoaded(held).isEmpty());

                    try (TracingService restarted = TracingService.start(FreePort.pick())) {
                        pgbench.assertUndisturbed();
                        assertThat(serverErrors(server.serverLog().substring(logBefore))).as("the server's errors meanwhile").isEmpty();
                        capturesAMarkerStatement(restarted, server);
                    }
                }
            }
        }
    }

    /**
     * The service's BPF objects, taken before pgbench so that the kill follows pgbench's first traced
     * calls at once. Enough to prove the release: links and uprobes made later (none are: pgbench
     * maps the libssl already attached) would hold these programs, which must all go.
     */
    private static KernelObjects heldBy(TracingService service) {
        KernelObjects held = BpfTool.objectsOf(service.pid());
        assertThat(held.uprobes()).as("uprobes the service holds: %s", held).isPositive();
        assertThat(held.programs()).as("programs: %s", held).isNotEmpty();
        assertThat(held.links()).as("links: %s", held).isNotEmpty();
        assertThat(BpfTool.stillLoaded(held)).as("what the release is checked with finds them all while the service lives").isEqualTo(held);
        return held;
    }

    /** Starts pgbench and returns when the service has received its first calls from the database. */
    private static PgbenchRun startPgbenchWhenTraced(TracingService service, PostgresTlsServer server, Path output) throws IOException {
        long callsBefore = callsOfLibraryUsedBy(service, server.postmasterPid());
        PgbenchRun pgbench = PgbenchRun.start(server.connectionUri(), PGBENCH_SECONDS, output);
        try {
            Await.until(Duration.ofSeconds(PGBENCH_SECONDS), CALLS_BEFORE_KILL + " SSL calls of the database traced during pgbench",
                    () -> callsOfLibraryUsedBy(service, server.postmasterPid()) - callsBefore >= CALLS_BEFORE_KILL);
            return pgbench;
        } catch (AssertionError e) {
            pgbench.close();
            throw e;
        }
    }

    /** The service is attached to the running database and decodes a marker statement sent over TLS. */
    private static void capturesAMarkerStatement(TracingService service, PostgresTlsServer server) {
        try (SseCollector sse = new SseCollector(service.uri("/api/v1/events?type=query"), TestTokens.ADMIN)) {
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

    private static List<String> serverErrors(String log) {
        return SERVER_ERROR.matcher(log).results().map(MatchResult::group).toList();
    }
}
