package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.BpfTool;
import io.tlsscope.testsupport.GoToolchain;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TlsPair;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Go hooks switched off and on at runtime through the API (PUT /api/v1/hooks/go and
 * /api/v1/hooks/go/{inode}), for all Go executables and for one: the kernel's own view (bpftool)
 * must show the uprobes gone and back, and capture must work again afterwards.
 */
@QuarkusTest
class GoHooksToggleTest {
    /** bpftool shows program names cut to 15 characters: go_tls_write_en... */
    private static final String GO_PROGRAMS = "go_tls_";

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    @Test
    void switchingGoHooksRemovesAndRestoresTheProbes(@TempDir Path directory) throws Exception {
        Path binary = GoToolchain.debian119().build("go-tls-pair", directory.resolve("go-tls-pair"), true);
        long inode = (Long) Files.readAttributes(binary, "unix:ino").get("ino");
        SelfSignedCertificate tls = SelfSignedCertificate.createIn(directory);
        String request = "toggle-request-" + UUID.randomUUID();
        long clientsBefore = TracerApi.sseClients();
        try (TlsPair pair = TlsPair.startProgram(List.of(binary.toString()), tls, request, "toggle-reply");
             SseCollector sse = new SseCollector(eventsUri)) {
            TracerApi.awaitLibraryUsedBy(pair.pid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            // the kernel's own list of uprobes on this binary (the tracer opens it through /proc/PID/root)
            long probes = BpfTool.uprobesOn(binary.toString());
            assertThat(probes).as("entry and RET uprobes of Read and Write").isGreaterThanOrEqualTo(4);

            switchGoHooks("", false).body("enabled", equalTo(false));
            assertThat(BpfTool.uprobesOn(binary.toString())).as("after switching all Go hooks off").isZero();
            assertThat(BpfTool.perfEventLinks(GO_PROGRAMS)).as("no Go program of this tracer is attached").isZero();
            switchGoHooks("", true).body("enabled", equalTo(true));
            assertThat(BpfTool.uprobesOn(binary.toString())).isEqualTo(probes);

            switchGoHooks("/" + inode, false).body("binaries.find { it.inode == " + inode + " }.enabled", equalTo(false));
            assertThat(given().get("/api/v1/libraries/" + inode).jsonPath().getList("probes")).isEmpty();
            assertThat(given().get("/api/v1/libraries/" + inode).jsonPath().getString("probesOff")).isEqualTo("Go hooks are switched off for it");
            assertThat(BpfTool.uprobesOn(binary.toString())).as("after switching this binary off").isZero();
            switchGoHooks("/" + inode, true).body("binaries.find { it.inode == " + inode + " }.enabled", equalTo(true));
            assertThat(BpfTool.uprobesOn(binary.toString())).isEqualTo(probes);

            pair.exchange();
            Await.until(Duration.ofSeconds(15), "capture after the probes came back", () -> !sse.events(event ->
                    event.get("pid").asLong() == pair.pid() && event.path("text").asText().equals(request)).isEmpty());
        } finally {
            switchGoHooks("", true);
        }
    }

    private static io.restassured.response.ValidatableResponse switchGoHooks(String target, boolean enabled) {
        return given().contentType("application/json").body("{\"enabled\": " + enabled + "}").put("/api/v1/hooks/go" + target)
                .then().statusCode(200);
    }
}
