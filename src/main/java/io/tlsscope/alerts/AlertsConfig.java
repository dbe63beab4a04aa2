package io.tlsscope.alerts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of alert delivery and blind-spot checks, prefix {@code tlsscope.alerts}. */
@ConfigMapping(prefix = "tlsscope.alerts")
public interface AlertsConfig {
    /** Latest alerts kept for GET /api/v1/alerts and JMX. */
    @WithDefault("1000")
    int recent();

    Webhooks webhooks();

    BlindSpots blindSpots();

    interface Webhooks {
        /** Where each alert is POSTed as JSON (comma-separated URLs); none by default. */
        Optional<List<URI>> urls();

        /** Alerts waiting per webhook; past that the oldest are dropped and counted (webhook.dropped). */
        @WithDefault("1000")
        int queue();

        /** Attempts per alert before it counts as failed (webhook.failed). */
        @WithDefault("3")
        int attempts();

        /** Wait before the first retry; doubled for each later one. */
        @WithDefault("500ms")
        Duration backoff();

        /** Connect and response timeout of one attempt. */
        @WithDefault("5s")
        Duration timeout();

        /** Value of the Authorization header sent with each POST (e.g. "Bearer ..."); none by default. */
        Optional<String> authorization();
    }

    interface BlindSpots {
        /** How often the service looks at its own capture for blind spots. */
        @WithDefault("5s")
        Duration interval();

        /** A database port carrying TLS with no statement decoded for this long is a blind spot. */
        @WithDefault("60s")
        Duration silence();

        /** Server ports taken for databases; ports where statements were decoded are added as they are seen. */
        @WithDefault("5432,3306")
        List<Integer> databasePorts();

        /** A blind spot clears after its cause has not been seen for this long. */
        @WithDefault("30s")
        Duration clearAfter();

        /** Calls whose socket was not found (or whose layout was rejected), as a share of captured calls, above which it is a blind spot. */
        @WithDefault("0.5")
        double unresolvedShare();

        /** Captured calls in one interval below which shares are not judged (too few to tell). */
        @WithDefault("20")
        long minimumCalls();
    }
}
