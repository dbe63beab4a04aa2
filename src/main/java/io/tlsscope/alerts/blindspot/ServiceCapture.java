package io.tlsscope.alerts.blindspot;

import io.tlsscope.discovery.LibraryRegistry;
import io.tlsscope.metrics.AllCounters;
import io.tlsscope.tracer.ConnectionActivity;
import io.tlsscope.tracer.CounterValue;
import io.tlsscope.tracer.Tracer;
import io.tlsscope.tracer.TracerState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link CaptureView} of the running service (the adapter to the tracer and the counter list). */
@ApplicationScoped
public class ServiceCapture implements CaptureView {
    private final Tracer tracer;
    private final AllCounters counters;

    public ServiceCapture(Tracer tracer, AllCounters counters) {
        this.tracer = tracer;
        this.counters = counters;
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> values = new HashMap<>();
        for (CounterValue counter : counters.all()) {
            values.put(counter.name(), counter.value());
        }
        return values;
    }

    @Override
    public TracerState tracerState() {
        return tracer.state();
    }

    @Override
    public List<LibraryRegistry.LibraryView> libraries() {
        return tracer.libraries();
    }

    @Override
    public List<ConnectionActivity.Connection> connections() {
        return tracer.connections();
    }
}
