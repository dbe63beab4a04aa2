package io.tlsscope.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.tlsscope.testsupport.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The service as the rule tests need it: a rules file and a baseline of their own (the novelty
 * rule's learning window long over, pgbench's triple already known, as on a host where pgbench
 * has run for a while), two webhooks (a real receiver, and a port that never answers), and the
 * rules file looked at twice a second. The receiver is up before the service starts.
 */
public class DetectionProfile implements QuarkusTestProfile {
    static final Path DIRECTORY = directory();
    static final Path RULES_FILE = DIRECTORY.resolve("rules.yaml");
    static final WebhookReceiver RECEIVER = WebhookReceiver.start();
    static final String HUNG_WEBHOOK = WebhookReceiver.blackHole();
    static final String PGBENCH_TRIPLE = "/usr/lib/postgresql/15/bin/pgbench postgres postgres";

    private static Path directory() {
        try {
            Path directory = Files.createTempDirectory("tlsscope-rules-test-");
            Files.writeString(directory.resolve("baseline.json"), """
                    {"rules": {"new-client-triple": {"since": "2020-01-01T00:00:00Z", "keys": ["%s"]}}}
                    """.formatted(PGBENCH_TRIPLE));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tlsscope.rules.file", RULES_FILE.toString(),
                "tlsscope.rules.baseline-file", DIRECTORY.resolve("baseline.json").toString(),
                "tlsscope.rules.reload-interval", "500ms",
                "tlsscope.alerts.webhooks.urls", RECEIVER.url() + "," + HUNG_WEBHOOK,
                "tlsscope.alerts.webhooks.timeout", "1s",
                "tlsscope.alerts.webhooks.backoff", "200ms",
                "tlsscope.alerts.webhooks.attempts", "2");
    }
}
