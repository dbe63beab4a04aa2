package io.tlsscope.alerts.blindspot;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tlsscope.alerts.AlertDispatcher;
import io.tlsscope.alerts.AlertEvent;
import io.tlsscope.alerts.AlertsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Raises an alert (kind blind-spot, state raised) when a check first finds a blind spot, and one
 * with state cleared when it has not been found for tlsscope.alerts.blind-spots.clear-after. The
 * blind spots in force show in /q/health (BlindSpotHealthCheck) and as the alerts.blind-spots level.
 */
@ApplicationScoped
public class BlindSpotMonitor {
    private static final Logger LOG = Logger.getLogger(BlindSpotMonitor.class);

    /** A blind spot in force: what was found, when first and when last. */
    public record Active(Finding finding, String alertId, Instant raised, Instant lastSeen) {
    }

    private final AlertsConfig.BlindSpots config;
    private final CaptureView capture;
    private final DecodedPorts decoded;
    private final AlertDispatcher alerts;
    private final String host;
    private final BlindSpotChecks checks;
    private final Map<String, Active> active = new LinkedHashMap<>();
    private ScheduledExecutorService timer;

    public BlindSpotMonitor(AlertsConfig config, ServiceCapture capture, DecodedPorts decoded, AlertDispatcher alerts) {
        this.config = config.blindSpots();
        this.capture = capture;
        this.decoded = decoded;
        this.alerts = alerts;
        this.host = hostName();
        this.checks = new BlindSpotChecks(new HashSet<>(this.config.databasePorts()), this.config.silence(),
                this.config.unresolvedShare(), this.config.minimumCalls());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException unresolvable) {
            return "localhost";
        }
    }

    void onStart(@Observes StartupEvent start) {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tlsscope-blind-spots").daemon().factory());
        long every = config.interval().toMillis();
        timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One look at the capture; raises what is new, clears what has gone. */
    synchronized void check() {
        try {
            Instant now = Instant.now();
            List<Finding> findings = checks.look(capture, decoded, config.interval().toSeconds() + "s", now);
            for (Finding finding : findings) {
                Active known = active.get(finding.key());
                if (known == null) {
                    String id = UUID.randomUUID().toString();
                    active.put(finding.key(), new Active(finding, id, now, now));
                    alerts.raise(alert(id, finding, "raised", now, now));
                } else {
                    active.put(finding.key(), new Active(finding, known.alertId(), known.raised(), now));
                }
            }
            Instant clearBefore = now.minus(config.clearAfter());
            for (Active gone : List.copyOf(active.values())) {
                if (gone.lastSeen().isBefore(clearBefore)) {
                    active.remove(gone.finding().key());
                    alerts.raise(alert(gone.alertId(), gone.finding(), "cleared", gone.raised(), now));
                }
            }
        } catch (RuntimeException failed) {
            // the next look may work; a failing check must not stop the timer
            LOG.warnf("blind-spot check failed: %s", failed.toString());
        }
    }

    private AlertEvent alert(String id, Finding finding, String state, Instant first, Instant last) {
        return new AlertEvent(id, AlertEvent.Kind.BLIND_SPOT, finding.cause(), finding.severity(), List.of("blind-spot"),
                finding.detail(), host, finding.subject(), 1, first, last, null, null, null, state, finding.counter());
    }

    /** The blind spots in force now. */
    public synchronized List<Active> active() {
        return List.copyOf(active.values());
    }
}
