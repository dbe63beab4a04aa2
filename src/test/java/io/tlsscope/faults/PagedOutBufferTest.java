package io.tlsscope.faults;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default (auto) user-memory reads on this kernel are the sleepable copying return probes:
 * a write whose buffer page is not resident at the return is still captured, byte for byte.
 * {@link PagedOutBufferProbeReadTest} runs the same write with the non-faulting reads and shows the
 * chunk lost and counted, which proves this case really needs the fault taken.
 */
@QuarkusTest
class PagedOutBufferTest {

    @TestHTTPResource("/api/v1/events")
    URI events;

    @Test
    void aWriteFromAPageNotResidentIsCapturedWhole(@TempDir Path directory) throws Exception {
        assertThat(given().get("/q/health/ready").jsonPath().getString("checks.find { it.name == 'tracer' }.data.userMemoryReads"))
                .as("this kernel (6.18) has bpf_copy_from_user_dynptr: auto must choose the copying probes")
                .isEqualTo("copy");
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(events)) {
            PagedOutWrite.Outcome outcome = PagedOutWrite.run(directory, sse, clientsBefore);

            Await.until(Duration.ofSeconds(15), "the retried write captured", () ->
                    outcome.writesStartingWith(sse, outcome.retriedPrefix()).size() == 1);
            assertThat(outcome.writesStartingWith(sse, outcome.retriedPrefix()).getFirst().get("length").asInt())
                    .as("all 512 bytes").isEqualTo(512);
        }
    }
}
