package io.tlsscope.faults;

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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS library upgraded on disk while a process uses it, the way dpkg and rpm do it: the new file
 * is written beside the old one and renamed over its path, so the running process keeps the old
 * inode (now deleted) and a process started afterwards maps the new one. On a private copy of the
 * system libssl (with its libcrypto, through LD_LIBRARY_PATH), so that no other process on the host
 * shares either inode. The process started before the upgrade must stay traced on the old inode,
 * and the one started after it must be traced on the new inode.
 */
@QuarkusTest
class LibraryReplacedOnDiskTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TestHTTPResource("/api/v1/events?type=raw")
    URI rawEvents;

    @Test
    void theOldProcessStaysTracedOnTheOldInodeAndANewOneIsTracedOnTheNew(@TempDir Path directory) throws Exception {
        PrivateLibssl libssl = PrivateLibssl.copyInto(directory);
        long oldInode = libssl.inode();
        SelfSignedCertificate certificate = SelfSignedCertificate.createIn(directory);
        List<String> withPrivateLibssl = libssl.launcher();
        String oldRequest = "before-upgrade-" + UUID.randomUUID();
        String newRequest = "after-upgrade-" + UUID.randomUUID();

        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(rawEvents);
             TlsPair old = TlsPair.start(withPrivateLibssl, certificate, oldRequest, "reply-" + oldRequest)) {
            TracerApi.awaitSseClients(clientsBefore + 1);
            Await.until(LIMIT, "the private libssl attached for the process started before the upgrade",
                    () -> pidsOf(oldInode).contains(old.pid()));

            libssl.replaceAsAnUpgradeDoes();
            long newInode = libssl.inode();
            assertThat(newInode).isNotEqualTo(oldInode);

            old.exchange();
            Await.until(LIMIT, () -> "the old process's request captured after the upgrade; raw events: " + sse.events(event -> true),
                    () -> !writesOf(sse, old.pid(), oldRequest).isEmpty());
            assertThat(writesOf(sse, old.pid(), oldRequest)).allSatisfy(event ->
                    assertThat(event.at("/library/inode").asLong()).as("library of %s", event).isEqualTo(oldInode));

            try (TlsPair upgraded = TlsPair.start(withPrivateLibssl, certificate, newRequest, "reply-" + newRequest)) {
                Await.until(LIMIT, () -> "the new inode " + newInode + " attached for the process started after the upgrade; libraries: "
                        + given().get("/api/v1/libraries").asString(), () -> pidsOf(newInode).contains(upgraded.pid()));
                upgraded.exchange();
                Await.until(LIMIT, "the new process's request captured", () -> !writesOf(sse, upgraded.pid(), newRequest).isEmpty());
                assertThat(writesOf(sse, upgraded.pid(), newRequest)).allSatisfy(event ->
                        assertThat(event.at("/library/inode").asLong()).as("library of %s", event).isEqualTo(newInode));
                assertThat(pidsOf(oldInode)).as("users of the old inode").containsExactly(old.pid());
                assertThat(pidsOf(newInode)).as("users of the new inode").containsExactly(upgraded.pid());
            }
        }
    }

    /** SSL writes of pid whose bytes are exactly text. */
    private static List<JsonNode> writesOf(SseCollector sse, long pid, String text) {
        return sse.events(event -> event.path("pid").asLong() == pid && event.path("function").asText().startsWith("SSL_write")
                && new String(Base64.getDecoder().decode(event.path("base64").asText()), StandardCharsets.UTF_8).equals(text));
    }

    /** The users of the library on inode as /api/v1/libraries lists them; none when it is not listed. */
    private static List<Long> pidsOf(long inode) {
        Map<String, Object> library = given().get("/api/v1/libraries").jsonPath().getMap("find { it.inode == " + inode + " }");
        if (library == null) {
            return List.of();
        }
        return ((List<?>) library.get("pids")).stream().map(pid -> ((Number) pid).longValue()).toList();
    }
}
