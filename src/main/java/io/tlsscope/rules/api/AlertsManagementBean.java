package io.tlsscope.rules.api;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tlsscope.alerts.AlertEvent;
import io.tlsscope.alerts.RecentAlerts;
import io.tlsscope.alerts.blindspot.BlindSpotMonitor;
import io.tlsscope.rules.RuleBook;
import io.tlsscope.rules.RuleEvaluator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Registers io.tlsscope:type=Alerts on the platform MBean server (next to the service's other MXBeans). */
@ApplicationScoped
public class AlertsManagementBean implements AlertsMXBean {
    private static final int RECENT_LINES = 100;

    private final RecentAlerts recent;
    private final RuleBook book;
    private final RuleEvaluator evaluator;
    private final BlindSpotMonitor blindSpots;
    private ObjectName name;

    public AlertsManagementBean(RecentAlerts recent, RuleBook book, RuleEvaluator evaluator, BlindSpotMonitor blindSpots) {
        this.recent = recent;
        this.book = book;
        this.evaluator = evaluator;
        this.blindSpots = blindSpots;
    }

    void onStart(@Observes StartupEvent start) throws JMException {
        name = new ObjectName("io.tlsscope:type=Alerts");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (!server.isRegistered(name)) {
            server.registerMBean(new javax.management.StandardMBean(this, AlertsMXBean.class, true), name);
        }
    }

    void onStop(@Observes ShutdownEvent stop) throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (name != null && server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
    }

    @Override
    public List<String> getRecentAlerts() {
        return recent.latest(RECENT_LINES).stream().map(AlertsManagementBean::line).toList();
    }

    private static String line(AlertEvent alert) {
        return "%s %s %s %s%s count=%d key=%s: %s".formatted(alert.last(), alert.severity().jsonName(),
                alert.kind() == AlertEvent.Kind.RULE ? "rule" : "blind-spot", alert.rule(),
                alert.state() == null ? "" : " " + alert.state(), alert.count(), alert.key(), alert.description());
    }

    @Override
    public Map<String, Long> getAlertsPerRule() {
        Map<String, Long> perRule = new LinkedHashMap<>();
        book.entries().forEach(entry -> perRule.put(entry.definition().id(), evaluator.statsOf(entry.definition().id()).alerts()));
        return perRule;
    }

    @Override
    public List<String> getBlindSpots() {
        return blindSpots.active().stream().map(spot -> "%s %s [counter %s]: %s".formatted(spot.finding().cause(),
                spot.finding().subject(), spot.finding().counter(), spot.finding().detail())).toList();
    }
}
