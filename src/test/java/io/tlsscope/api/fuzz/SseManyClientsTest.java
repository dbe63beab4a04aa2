package io.tlsscope.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.TestTokens;
import io.tlsscope.testsupport.TracerApi;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 SSE clients of /api/v1/events that connect and never read a byte, while real TLS traffic is
 * captured (fixtures/tls-burst.py: 400 round trips of 8000 bytes over the system libssl): the service holds a bounded amount for
 * them (its heap, measured after GC, grows by less than 128 MiB), each of them loses its own
 * events and that is counted (sse.client-drops), and when they go, their subscriptions go too.
 * Clients may fall 100 events behind here (the default is 32,768) so that a few hundred exchanges
 * overflow them all. Meanwhile the REST API must keep answering (the counters are read throughout):
 * SSE writes once came from a worker thread, which queued every client's whole backlog on the event
 * loops, and GET /api/v1/counters timed out; now each client is served on its connection's event
 * loop in bounded turns (api.SseConnection).
 */
@QuarkusTest
@TestProfile(SseManyClientsTest.SmallClientQueues.class)
class SseManyClientsTest {
    private static final int CLIENTS = 200;
    private static final int EXCHANGES = 400;

    public static final class SmallClientQueues implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tlsscope.sse.client-buffer-events", "100");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void clientsThatNeverReadCostBoundedMemoryAndEachLosesOnlyItsOwnEvents(@TempDir Path directory) throws Exception {
        SelfSignedCertificate tls = SelfSignedCertificate.createIn(directory);
        long clientsBefore = TracerApi.sseClients();
        long dropsBefore = TracerApi.counter("sse.client-drops");
        long heapBefore = usedHeapAfterGc();
        List<Socket> clients = new ArrayList<>();
        Process burst = new ProcessBuilder("python3", "src/test/resources/fixtures/tls-burst.py", tls.certificate().toString(),
                tls.key().toString(), "8000", Integer.toString(EXCHANGES)).redirectErrorStream(true).start();
        try (BufferedReader output = burst.inputReader(StandardCharsets.UTF_8)) {
            assertThat(output.readLine()).isEqualTo("ready");
            TracerApi.awaitLibraryUsedBy(burst.pid());
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(neverReading());
            }
            TracerApi.awaitSseClients(clientsBefore + CLIENTS);
            burst.outputWriter(StandardCharsets.UTF_8).write("\n");
            burst.outputWriter(StandardCharsets.UTF_8).flush();
            assertThat(output.readLine()).as("the TLS round trips ran").isEqualTo("done");
            Await.until(Duration.ofSeconds(60), "every client dropped events of its own",
                    () -> TracerApi.counter("sse.client-drops") - dropsBefore >= (long) CLIENTS * 100);
            long growth = usedHeapAfterGc() - heapBefore;
            assertThat(growth).as("heap growth in bytes with %d clients that never read", CLIENTS).isLessThan(128L << 20);
        } finally {
            burst.destroyForcibly();
            for (Socket client : clients) {
                client.close();
            }
        }
        TracerApi.awaitSseClients(clientsBefore);
    }

    /** Connects and asks for the raw event stream with a small receive window, then never reads. */
    private Socket neverReading() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
        socket.getOutputStream().write(("GET /api/v1/events?type=raw HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Bearer "
                + TestTokens.VIEWER + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
