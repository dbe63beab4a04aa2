package io.tlsscope.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.FreePort;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TestTokens;
import io.tlsscope.testsupport.TlsPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service started after a package upgrade while a process still maps the library the upgrade
 * deleted: the process's libssl was replaced on disk (renamed over, as dpkg does) before any
 * tlsscope ran, so the only way to the inode it runs is /proc/PID/map_files. The service, the
 * packaged application in a JVM of its own started only then, must attach to that deleted inode,
 * list it with the process in /api/v1/libraries, and capture the process's calls.
 * An IT (failsafe): it runs the packaged application, which the package phase builds.
 */
class LibraryDeletedBeforeStartIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void aServiceStartedAfterTheUpgradeTracesTheProcessOnTheDeletedInode(@TempDir Path directory) throws Exception {
        PrivateLibssl libssl = PrivateLibssl.copyInto(directory);
        long deletedInode = libssl.inode();
        String request = "on-the-deleted-inode-" + UUID.randomUUID();
        try (TlsPair process = TlsPair.start(libssl.launcher(), SelfSignedCertificate.createIn(directory), request, "reply-" + request)) {
            libssl.replaceAsAnUpgradeDoes();
            assertThat(Files.readString(Path.of("/proc", Long.toString(process.pid()), "maps")))
                    .as("the process maps the replaced libssl, deleted").contains(directory.resolve("lib/libssl.so.3") + " (deleted)");

            try (TracingService service = TracingService.start(FreePort.pick());
                 SseCollector raw = new SseCollector(service.uri("/api/v1/events?type=raw&pid=" + process.pid()), TestTokens.ADMIN)) {
                Await.until(LIMIT, () -> "the deleted inode " + deletedInode + " attached for pid " + process.pid() + "; libraries: "
                        + service.get("/api/v1/libraries"), () -> libraryOn(service, deletedInode) != null);
                JsonNode library = libraryOn(service, deletedInode);
                assertThat(library.path("pids")).as("users of the deleted inode: %s", library).extracting(JsonNode::asLong)
                        .containsExactly(process.pid());
                assertThat(library.path("probes")).as("probes placed: %s", library).isNotEmpty();
                assertThat(library.path("attachError").isMissingNode() || library.path("attachError").isNull())
                        .as("attached without error: %s", library).isTrue();
                Await.until(LIMIT, "the SSE client subscribed", () -> service.counter("sse.clients") >= 1);

                process.exchange();
                Await.until(LIMIT, () -> "the process's request captured; raw events: " + raw.events(event -> true),
                        () -> !writesOf(raw, request).isEmpty());
                assertThat(writesOf(raw, request)).allSatisfy(event ->
                        assertThat(event.at("/library/inode").asLong()).as("library of %s", event).isEqualTo(deletedInode));
            }
        }
    }

    /** The library on inode as /api/v1/libraries lists it, or null. */
    private static JsonNode libraryOn(TracingService service, long inode) {
        for (JsonNode library : service.get("/api/v1/libraries")) {
            if (library.path("inode").asLong() == inode) {
                return library;
            }
        }
        return null;
    }

    /** SSL writes whose bytes are exactly text. */
    private static List<JsonNode> writesOf(SseCollector raw, String text) {
        return raw.events(event -> event.path("function").asText().startsWith("SSL_write")
                && new String(Base64.getDecoder().decode(event.path("base64").asText()), StandardCharsets.UTF_8).equals(text));
    }
}
