package io.tlsscope.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tlsscope.tracer.CounterValue;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every counter as a Micrometer meter (Prometheus at /q/metrics): totals as counters, levels as
 * gauges, named tlsscope.&lt;counter&gt; with the counter's description. A scrape reads the counters
 * once (kernel maps included) and serves every meter from that snapshot for a second.
 */
@Singleton
public class CounterMetrics implements MeterBinder {
    private static final long SNAPSHOT_NANOS = 1_000_000_000L;

    private final AllCounters counters;
    private Map<String, Long> snapshot = Map.of();
    private long snapshotAt = Long.MIN_VALUE;

    public CounterMetrics(AllCounters counters) {
        this.counters = counters;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (CounterValue counter : counters.all()) {
            String name = "tlsscope." + counter.name();
            if (AllCounters.isLevel(counter.name())) {
                Gauge.builder(name, this, metrics -> metrics.value(counter.name())).description(counter.description()).register(registry);
            } else {
                FunctionCounter.builder(name, this, metrics -> metrics.value(counter.name())).description(counter.description())
                        .register(registry);
            }
        }
    }

    private synchronized double value(String name) {
        long now = System.nanoTime();
        if (now - snapshotAt > SNAPSHOT_NANOS) {
            snapshot = counters.all().stream().collect(Collectors.toMap(CounterValue::name, CounterValue::value, (first, second) -> second));
            snapshotAt = now;
        }
        return snapshot.getOrDefault(name, 0L);
    }
}
