package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.BpfTool;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * 200 TLS connections to PostgreSQL: 200 psql processes started at once (and their 200 backends)
 * share one libssl inode, so there is one attachment (one set of probes in the kernel, counted with
 * bpftool), not one per process; discovery keeps up with the exec storm, and every client's
 * statement is captured from its own process.
 */
@QuarkusTest
class ManyConnectionsTest {
    private static final int CONNECTIONS = 200;
    /** Uprobes per OpenSSL library: entry and return of 4 data functions, entry of 4 fd/free functions. */
    private static final int PROBES_PER_LIBRARY = 12;

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    @Test
    void twoHundredConnectionsAreOneAttachmentPerInode() throws Exception {
        String run = UUID.randomUUID().toString();
        List<Process> clients = new ArrayList<>();
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(eventsUri)) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(new ProcessBuilder("psql", "-X", "-q", "-c",
                        "SELECT 'scale-" + run + "-" + i + "', pg_sleep(60)", server.connectionUri())
                        .redirectErrorStream(true).start());
            }
            Set<Long> clientPids = new HashSet<>(clients.stream().map(Process::pid).toList());
            Await.until(Duration.ofSeconds(60), CONNECTIONS + " statements captured from their clients", () ->
                    capturedClients(sse, run).containsAll(clientPids));
            Await.until(Duration.ofSeconds(30), () -> "discovery to know all " + CONNECTIONS + " clients; unknown: "
                    + clientPids.stream().filter(pid -> !knownPids().contains(pid)).toList(),
                    () -> knownPids().containsAll(clientPids));

            List<Map<String, Object>> libraries = given().get("/api/v1/libraries").jsonPath().getList("$");
            List<Map<String, Object>> used = libraries.stream()
                    .filter(library -> ((List<?>) library.get("pids")).stream()
                            .anyMatch(pid -> clientPids.contains(((Number) pid).longValue())))
                    .toList();
            assertThat(used).as("libraries the clients use").singleElement();
            long openSslLibraries = libraries.stream()
                    .filter(library -> String.valueOf(library.get("kind")).contains("openssl") && !((List<?>) library.get("probes")).isEmpty())
                    .count();
            assertThat(BpfTool.perfEventLinks("ssl_")).as("OpenSSL uprobe links in the kernel")
                    .isEqualTo(PROBES_PER_LIBRARY * openSslLibraries);
        } finally {
            clients.forEach(Process::destroyForcibly);
        }
    }

    private static Set<Long> knownPids() {
        return new HashSet<>(given().get("/api/v1/libraries").jsonPath().getList("pids.flatten()", Long.class));
    }

    private static Set<Long> capturedClients(SseCollector sse, String run) {
        Set<Long> pids = new HashSet<>();
        sse.events(event -> event.get("direction").asText().equals("write")
                        && event.path("text").asText().contains("scale-" + run + "-"))
                .forEach(event -> pids.add(event.get("pid").asLong()));
        return pids;
    }
}
