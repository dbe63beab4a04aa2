package io.tlsscope.alerts;

import io.tlsscope.events.EventBus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Where an alert goes: the event bus (SSE type=alert, and any sink subscribed to alerts), the
 * recent-alerts store, the webhooks, the per-rule metric and one log line. Never blocks.
 */
@ApplicationScoped
public class AlertDispatcher {
    private static final Logger LOG = Logger.getLogger("io.tlsscope.alerts");

    private final EventBus bus;
    private final RecentAlerts recent;
    private final Webhooks webhooks;
    private final AlertMetrics metrics;
    private final AtomicLong raised = new AtomicLong();
    private final AtomicLong repeated = new AtomicLong();

    public AlertDispatcher(EventBus bus, RecentAlerts recent, Webhooks webhooks, AlertMetrics metrics) {
        this.bus = bus;
        this.recent = recent;
        this.webhooks = webhooks;
        this.metrics = metrics;
    }

    public void raise(AlertEvent alert) {
        raised.incrementAndGet();
        recent.add(alert);
        metrics.count(alert);
        LOG.infof("%s %s %s: %s [%s]", alert.severity().jsonName(), alert.kind() == AlertEvent.Kind.RULE ? "rule" : "blind spot",
                alert.rule(), alert.state() == null ? alert.description() : alert.state() + " - " + alert.description(), alert.key());
        bus.publish(alert);
        webhooks.send(alert);
    }

    /** One more match inside an alert's suppression window: counted, not sent again. */
    public void repeat(String alertId, long count, Instant last) {
        repeated.incrementAndGet();
        recent.repeated(alertId, count, last);
    }

    public long raised() {
        return raised.get();
    }

    public long suppressed() {
        return repeated.get();
    }
}
