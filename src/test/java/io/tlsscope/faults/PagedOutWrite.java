package io.tlsscope.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Runs fixtures/faults/paged_out_retry.py against the live service: an SSL_write_ex that returns
 * while its buffer's page is not in the writer's page tables (checked by the script through
 * /proc/self/pagemap, so the case is real, not assumed). What the return probe made of that call
 * is the client's SSL_write_ex event whose bytes start with the retried record's prefix.
 */
final class PagedOutWrite {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    /** The retried write's prefix, the events of the script's process, and the user-read failures counted meanwhile. */
    record Outcome(String retriedPrefix, long pid, long userReadFailures) {
        /** The script's SSL_write_ex events (the client's writes) whose bytes start with prefix. */
        List<JsonNode> writesStartingWith(SseCollector sse, String prefix) {
            return sse.events(event -> event.get("pid").asLong() == pid && "SSL_write_ex".equals(event.get("function").asText())
                    && new String(Base64.getDecoder().decode(event.get("base64").asText()), StandardCharsets.UTF_8).startsWith(prefix));
        }
    }

    private PagedOutWrite() {
    }

    /** Runs the script to its retried write, once sse (opened when clientsBefore were subscribed) is subscribed. */
    static Outcome run(Path directory, SseCollector sse, long clientsBefore) throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.createIn(directory);
        String marker = "paged-out-" + UUID.randomUUID();
        try (ScriptProcess script = ScriptProcess.start("paged_out_retry.py", certificate.certificate().toString(),
                certificate.key().toString(), marker)) {
            script.awaitLine("ready", LIMIT);
            TracerApi.awaitLibraryUsedBy(script.pid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            long failuresBefore = TracerApi.counter("kernel.user-read.failed");
            script.sendLine("go");
            long sequence = Long.parseLong(script.awaitLine("pending ", LIMIT).trim());
            assertThat(script.awaitLine("present ", LIMIT).trim())
                    .as("the buffer's page is out of the writer's page tables before the retry (else the case is not made)")
                    .isEqualTo("0");
            assertThat(script.awaitLine("retried ", LIMIT).trim()).as("the retried SSL_write_ex's count").isEqualTo("512");
            // the kernel counted the retried call before the call returned to the script
            Outcome outcome = new Outcome(marker + "-" + sequence + "-", script.pid(),
                    TracerApi.counter("kernel.user-read.failed") - failuresBefore);
            // the earlier writes, from a resident page, are captured whatever the mode: the service saw this process
            Await.until(LIMIT, "the first write captured", () -> !outcome.writesStartingWith(sse, marker + "-1-").isEmpty());
            return outcome;
        }
    }
}
