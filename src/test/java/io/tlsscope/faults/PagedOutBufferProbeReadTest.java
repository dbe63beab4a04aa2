package io.tlsscope.faults;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same write as {@link PagedOutBufferTest} with tlsscope.tracer.user-memory-reads=probe-read
 * (what kernels before 6.16 get): bpf_probe_read_user may not fault, so the retried write's chunk
 * is lost, and it is counted, never silent.
 */
@QuarkusTest
@TestProfile(PagedOutBufferProbeReadTest.ProbeRead.class)
class PagedOutBufferProbeReadTest {

    public static final class ProbeRead implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tlsscope.tracer.user-memory-reads", "probe-read");
        }
    }

    @TestHTTPResource("/api/v1/events")
    URI events;

    @Test
    void aWriteFromAPageNotResidentIsLostAndCounted(@TempDir Path directory) throws Exception {
        assertThat(given().get("/q/health/ready").jsonPath().getString("checks.find { it.name == 'tracer' }.data.userMemoryReads"))
                .isEqualTo("probe-read");
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(events)) {
            PagedOutWrite.Outcome outcome = PagedOutWrite.run(directory, sse, clientsBefore);

            assertThat(outcome.userReadFailures()).as("kernel.user-read.failed during the retried write").isPositive();
            assertThat(outcome.writesStartingWith(sse, outcome.retriedPrefix())).as("the retried write's events").isEmpty();
        }
    }
}
