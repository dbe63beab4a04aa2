package io.tlsscope.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.BpfTool;
import io.tlsscope.testsupport.BpfTool.KernelObjects;
import io.tlsscope.testsupport.FreePort;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TestTokens;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * The fail-open promise under the hardest stop there is, for any database: the packaged service,
 * tracing a private database with TLS, is SIGKILLed while a load client runs over TLS against it.
 * The database must not notice (the load ends with nothing failed; the server logs no error
 * meanwhile); the kernel must let go of everything the service had placed (its programs, links,
 * maps and uprobes, by kernel id, as bpftool sees them) within 5 s, with no shutdown code of the
 * service run; and a new service, started while the load still runs, must attach and capture again.
 */
final class ServiceKill {
    private static final Duration RELEASED_WITHIN = Duration.ofSeconds(5);
    private static final int LOAD_SECONDS = 8;
    /** SSL calls the service must have received from the database's library during the load before it is killed. */
    private static final long CALLS_BEFORE_KILL = 200;

    private ServiceKill() {
    }

    static void assertTheDatabaseDoesNotNoticeAndARestartCaptures(TlsDatabase database, Path directory) throws Exception {
        int logBefore = database.serverLog().length();
        try (TracingService service = TracingService.start(FreePort.pick())) {
            service.awaitLibraryUsedBy(database.serverPid());
            KernelObjects held = heldBy(service);
            try (DatabaseLoad load = startLoadWhenTraced(service, database, directory)) {
                assertThat(service.kill()).as("exit status of a JVM killed by signal 9").isEqualTo(128 + 9);
                long killed = System.nanoTime();
                assertThat(load.isRunning()).as("the load still running when the service was killed").isTrue();
                Await.until(RELEASED_WITHIN, () -> "the kernel to release the killed service's objects; still held: "
                        + BpfTool.stillLoaded(held), () -> BpfTool.stillLoaded(held).isEmpty());
                System.out.printf("%s: the kernel released the killed service's %s within %d ms%n", database.getClass().getSimpleName(),
                        held, Duration.ofNanos(System.nanoTime() - killed).toMillis());

                try (TracingService restarted = TracingService.start(FreePort.pick())) {
                    load.assertUndisturbed();
                    assertThat(database.errorsIn(database.serverLog().substring(logBefore))).as("the server's errors meanwhile").isEmpty();
                    capturesAMarkerStatement(restarted, database);
                }
            }
        }
    }

    /**
     * The service's BPF objects, taken before the load so that the kill follows its first traced
     * calls at once. Enough to prove the release: links and uprobes made later (none are: the load
     * client maps the libssl already attached) would hold these programs, which must all go.
     */
    private static KernelObjects heldBy(TracingService service) {
        KernelObjects held = BpfTool.objectsOf(service.pid());
        assertThat(held.uprobes()).as("uprobes the service holds: %s", held).isPositive();
        assertThat(held.programs()).as("programs: %s", held).isNotEmpty();
        assertThat(held.links()).as("links: %s", held).isNotEmpty();
        assertThat(BpfTool.stillLoaded(held)).as("what the release is checked with finds them all while the service lives").isEqualTo(held);
        return held;
    }

    /** Starts the load and returns when the service has received its first calls from the database's library. */
    private static DatabaseLoad startLoadWhenTraced(TracingService service, TlsDatabase database, Path directory) throws IOException {
        long callsBefore = callsOfLibraryUsedBy(service, database.serverPid());
        DatabaseLoad load = database.startLoad(LOAD_SECONDS, directory);
        try {
            Await.until(Duration.ofSeconds(LOAD_SECONDS), CALLS_BEFORE_KILL + " SSL calls of the database's library traced during the load",
                    () -> callsOfLibraryUsedBy(service, database.serverPid()) - callsBefore >= CALLS_BEFORE_KILL);
            return load;
        } catch (AssertionError e) {
            load.close();
            throw e;
        }
    }

    /** The service is attached to the running database and decodes a marker statement sent over TLS. */
    private static void capturesAMarkerStatement(TracingService service, TlsDatabase database) throws IOException, InterruptedException {
        try (SseCollector sse = new SseCollector(service.uri("/api/v1/events?type=query"), TestTokens.ADMIN)) {
            service.awaitLibraryUsedBy(database.serverPid());
            Await.until(Duration.ofSeconds(20), "the SSE client subscribed", () -> service.counter("sse.clients") >= 1);
            String marker = "SELECT 'restarted-" + UUID.randomUUID() + "'";
            database.runOverTls(marker);
            Await.until(Duration.ofSeconds(20), () -> "a server-side query event of the marker; events: " + sse.events(event -> true),
                    () -> !sse.events(event -> isMarker(event, marker)).isEmpty());
        }
    }

    private static boolean isMarker(JsonNode event, String marker) {
        return event.path("statement").asText().equals(marker) && event.path("side").asText().equals("server");
    }

    /** The calls the service received from the library the database's server process maps. */
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
}
