package io.tlsscope.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Prometheus counter per rule and blind-spot cause: tlsscope_alerts_total{kind, rule, severity}.
 * Rules in force are declared with 0, so a rule that never fired still shows.
 */
@ApplicationScoped
public class AlertMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public AlertMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void declare(AlertEvent.Kind kind, String rule, Severity severity) {
        counter(kind, rule, severity);
    }

    public void count(AlertEvent alert) {
        counter(alert.kind(), alert.rule(), alert.severity()).increment();
    }

    private Counter counter(AlertEvent.Kind kind, String rule, Severity severity) {
        String kindName = kind == AlertEvent.Kind.RULE ? "rule" : "blind-spot";
        return counters.computeIfAbsent(kindName + " " + rule + " " + severity.jsonName(), ignored ->
                Counter.builder("tlsscope.alerts").description("alerts raised, per rule or blind-spot cause")
                        .tag("kind", kindName).tag("rule", rule).tag("severity", severity.jsonName()).register(registry));
    }
}
