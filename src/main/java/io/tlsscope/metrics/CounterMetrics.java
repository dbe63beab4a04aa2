package io.tlsscope.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tlsscope.counters.Counter;
import io.tlsscope.counters.CounterCatalogue;
import io.tlsscope.counters.CounterValue;
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

    private final CounterCatalogue counters;
    private Map<String, Long> snapshot = Map.of();
    /** When the snapshot was read (System.nanoTime); none is read yet while snapshot is empty. */
    private long snapshotAt;

    public CounterMetrics(CounterCatalogue counters) {
        this.counters = counters;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (CounterValue counter : counters.all()) {
            String name = "tlsscope." + counter.name();
            if (counter.kind().equals(Counter.Kind.LEVEL.jsonName())) {
                Gauge.builder(name, this, metrics -> metrics.value(counter.name())).description(counter.description()).register(registry);
            } else {
                FunctionCounter.builder(name, this, metrics -> metrics.value(counter.name())).description(counter.description())
                        .register(registry);
            }
        }
    }

    private synchronized double value(String name) {
        long now = System.nanoTime();
        // not "now - Long.MIN_VALUE": that overflows, and the first (empty) snapshot was served forever
        if (snapshot.isEmpty() || now - snapshotAt > SNAPSHOT_NANOS) {
            snapshot = counters.all().stream().collect(Collectors.toMap(CounterValue::name, CounterValue::value, (first, second) -> second));
            snapshotAt = now;
        }
        return snapshot.getOrDefault(name, 0L);
    }
}
