package io.tlsscope.alerts.blindspot;

import io.tlsscope.capture.CapturePipeline;
import io.tlsscope.capture.ConnectionActivity;
import io.tlsscope.counters.CounterCatalogue;
import io.tlsscope.counters.CounterValue;
import io.tlsscope.tracer.LibraryStatus;
import io.tlsscope.tracer.Tracer;
import io.tlsscope.tracer.TracerControl;
import io.tlsscope.tracer.TracerState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link CaptureView} of the running service (the adapter to the tracer, the capture and the counter catalogue). */
@ApplicationScoped
public class ServiceCapture implements CaptureView {
    private final Tracer tracer;
    private final TracerControl control;
    private final CapturePipeline capture;
    private final CounterCatalogue counters;

    public ServiceCapture(Tracer tracer, TracerControl control, CapturePipeline capture, CounterCatalogue counters) {
        this.tracer = tracer;
        this.control = control;
        this.capture = capture;
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
    public List<LibraryStatus> libraries() {
        return control.libraries();
    }

    @Override
    public List<ConnectionActivity.Connection> connections() {
        return capture.connections();
    }
}
