package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TlsPair;
import io.tlsscope.testsupport.TracerApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container without a container runtime: a process in its own mount namespace (unshare -m)
 * whose /usr/lib/x86_64-linux-gnu/libssl.so.3 is a bind-mounted private copy (another inode, not
 * visible from the host at that path), running in a cgroup named the way docker names one. The
 * copy must be found through /proc/PID/root and attached by its own inode, and the events must
 * carry the cgroup id and the container id.
 */
@QuarkusTest
class ContainerLibraryTest {
    private static final Path SYSTEM_LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");
    private static final Path CGROUP_V2 = Path.of("/sys/fs/cgroup/unified");

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    @Test
    void findsABindMountedLibraryInAnotherMountNamespaceAndNamesTheContainer(@TempDir Path directory) throws Exception {
        Path copy = Files.copy(SYSTEM_LIBSSL, directory.resolve("libssl.so.3"), StandardCopyOption.COPY_ATTRIBUTES);
        long copyInode = (Long) Files.readAttributes(copy, "unix:ino").get("ino");
        String containerId = HexFormat.of().formatHex(randomBytes(32));
        Path parent = cgroupRoot().resolve("tlsscope-test-" + UUID.randomUUID());
        Path cgroup = parent.resolve("docker-" + containerId + ".scope");
        Files.createDirectories(cgroup);
        long cgroupId = (Long) Files.readAttributes(cgroup, "unix:ino").get("ino");
        SelfSignedCertificate tls = SelfSignedCertificate.createIn(directory);
        String request = "contained-request-" + UUID.randomUUID();
        String reply = "contained-reply-" + UUID.randomUUID();
        List<String> launcher = List.of("unshare", "-m", "sh", "-c",
                "echo $$ > \"$0\" && mount --bind \"$1\" \"$2\" && shift 3 && exec \"$@\"",
                cgroup.resolve("cgroup.procs").toString(), copy.toString(), SYSTEM_LIBSSL.toString(), "python3");

        long clientsBefore = TracerApi.sseClients();
        try (TlsPair contained = TlsPair.start(launcher, tls, request, reply);
             SseCollector sse = new SseCollector(eventsUri)) {
            TracerApi.awaitLibraryUsedBy(contained.pid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            List<Map<String, Object>> libraries = given().get("/api/v1/libraries").jsonPath()
                    .getList("findAll { it.pids.contains(" + contained.pid() + ") }");
            assertThat(libraries).singleElement().satisfies(library -> {
                assertThat(((Number) library.get("inode")).longValue()).isEqualTo(copyInode);
                assertThat(library.get("paths")).asList().containsExactly(SYSTEM_LIBSSL.toString());
                assertThat(library).containsEntry("layoutSource", "detected");
            });
            assertThat(given().get("/api/v1/libraries").jsonPath().getList("findAll { it.inode == " + copyInode + " }")).hasSize(1);

            contained.exchange();
            Await.until(Duration.ofSeconds(15), "the contained request", () -> !find(sse, contained.pid(), request).isEmpty());
            JsonNode event = find(sse, contained.pid(), request).getFirst();
            assertThat(event.get("fd").asInt()).isEqualTo(contained.clientFd());
            assertThat(event.get("cgroupId").asLong()).isEqualTo(cgroupId);
            assertThat(event.get("containerId").asText()).isEqualTo(containerId);
            assertThat(event.at("/library/inode").asLong()).isEqualTo(copyInode);
        } finally {
            Await.until(Duration.ofSeconds(10), "the contained process to leave its cgroup", () -> isEmpty(cgroup));
            Files.delete(cgroup);
            Files.delete(parent);
        }
    }

    /** cgroup v2: /sys/fs/cgroup itself on a unified host, /sys/fs/cgroup/unified on a hybrid one. */
    private static Path cgroupRoot() {
        return Files.exists(CGROUP_V2.resolve("cgroup.procs")) ? CGROUP_V2 : Path.of("/sys/fs/cgroup");
    }

    private static boolean isEmpty(Path cgroup) {
        try {
            return Files.readString(cgroup.resolve("cgroup.procs")).isBlank();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static List<JsonNode> find(SseCollector sse, long pid, String text) {
        return sse.events(event -> event.get("pid").asLong() == pid && event.path("text").asText().equals(text)
                && event.get("direction").asText().equals("write"));
    }
}
