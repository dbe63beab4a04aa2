package io.tlsscope.faults;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.TracerApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ring buffer of 64 KiB (the default is 16 MiB) that a real TLS burst overflows, so records are
 * lost in the kernel for real. The burst (fixtures/faults/tls_burst.py) runs on a private copy of
 * the system libssl: a library of its own (its own inode) that no other process on the host uses,
 * so every call counted for it is one of the burst's, whatever else the host runs meanwhile.
 * Each of its calls moves at most 16 KiB, one ring-buffer record: a call is captured or dropped
 * whole.
 */
@QuarkusTest
@TestProfile(RingBufferFaultsTest.SmallRingBuffer.class)
class RingBufferFaultsTest {
    private static final Path SYSTEM_LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");
    /** Long enough for thousands of 16 KiB records, about a hundred times what the ring buffer holds. */
    private static final Duration BURST = Duration.ofSeconds(2);
    private static final Duration LIMIT = Duration.ofSeconds(20);

    public static final class SmallRingBuffer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tlsscope.tracer.ring-buffer-bytes", "65536");
        }
    }

    @Test
    void dropsAreCountedForTheLibraryThatBurstAndEveryCallIsAccountedFor(@TempDir Path directory) throws Exception {
        Path privateLibssl = Files.copy(SYSTEM_LIBSSL, directory.resolve("libssl.so.3"));
        long inode = (Long) Files.readAttributes(privateLibssl, "unix:ino").get("ino");
        SelfSignedCertificate certificate = SelfSignedCertificate.createIn(directory);
        try (TlsBurstProcess burst = TlsBurstProcess.start(directory, certificate, BURST)) {
            Await.until(LIMIT, "the private libssl attached, used by the burst process", () -> {
                Map<String, Object> library = library(inode);
                return library != null && library.get("kernelCalls") != null && pids(library).contains(burst.pid());
            });
            long dropsBefore = TracerApi.counter("kernel.ringbuf.drops");

            long calls = burst.burst();

            long drops = TracerApi.counter("kernel.ringbuf.drops") - dropsBefore;
            Map<String, Object> library = library(inode);
            assertThat(pids(library)).as("the private libssl's users").containsExactly(burst.pid());
            KernelCalls kernel = KernelCalls.of(library);
            // the kernel counts a call before the call returns to the process: all are in
            assertThat(kernel.seen()).as("%s: calls seen, against the calls the burst made", kernel).isEqualTo(calls);
            assertThat(kernel.outcomes()).as("%s: captured + dropped + readFailed + failed", kernel).isEqualTo(kernel.seen());
            assertThat(kernel.dropped()).as("%s: calls that lost their record", kernel).isPositive();
            assertThat(kernel.captured()).as("%s: calls captured", kernel).isPositive();
            assertThat(kernel.readFailed() + kernel.failed()).as("%s: no call failed or was unreadable", kernel).isZero();
            assertThat(kernel.dropped()).as("the burst's dropped calls, each a record counted in kernel.ringbuf.drops (%d)", drops)
                    .isLessThanOrEqualTo(drops);
            assertThat(kernel.sharedSlot()).as("%s: its slot is its own", kernel).isFalse();

            // the service received exactly the calls the kernel emitted (once its reader caught up)
            Await.until(LIMIT, () -> "calls received by the service = captured by the kernel: " + library(inode),
                    () -> ((Number) library(inode).get("calls")).longValue() == kernel.captured());
            // every attached library's accounting adds up (a call of another library may be between its two counts)
            Await.until(LIMIT, () -> "seen = captured + dropped + readFailed + failed for every library: " + violations(),
                    () -> violations().isEmpty());
        }
    }

    /** A library's kernelCalls as the API shows them. */
    private record KernelCalls(long seen, long captured, long dropped, long readFailed, long failed, boolean sharedSlot) {
        @SuppressWarnings("unchecked")
        static KernelCalls of(Map<String, Object> library) {
            Map<String, Object> calls = (Map<String, Object>) library.get("kernelCalls");
            return new KernelCalls(count(calls, "seen"), count(calls, "captured"), count(calls, "dropped"), count(calls, "readFailed"),
                    count(calls, "failed"), (Boolean) calls.get("sharedSlot"));
        }

        private static long count(Map<String, Object> calls, String name) {
            return ((Number) calls.get(name)).longValue();
        }

        long outcomes() {
            return captured + dropped + readFailed + failed;
        }
    }

    private static Map<String, Object> library(long inode) {
        return given().get("/api/v1/libraries").jsonPath().getMap("find { it.inode == " + inode + " }");
    }

    @SuppressWarnings("unchecked")
    private static List<Long> pids(Map<String, Object> library) {
        return ((List<Number>) library.get("pids")).stream().map(Number::longValue).toList();
    }

    /** Attached libraries whose kernel accounting does not add up right now. */
    private static List<String> violations() {
        List<Map<String, Object>> libraries = given().get("/api/v1/libraries").jsonPath().getList("findAll { it.kernelCalls != null }");
        assertThat(libraries).as("attached libraries with kernel counts").isNotEmpty();
        List<String> wrong = new ArrayList<>();
        for (Map<String, Object> library : libraries) {
            KernelCalls calls = KernelCalls.of(library);
            if (calls.seen() != calls.outcomes()) {
                wrong.add(library.get("paths") + ": " + calls);
            }
        }
        return wrong;
    }
}
