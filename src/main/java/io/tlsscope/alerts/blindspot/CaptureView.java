package io.tlsscope.alerts.blindspot;

import io.tlsscope.discovery.LibraryRegistry;
import io.tlsscope.tracer.ConnectionActivity;
import io.tlsscope.tracer.TracerState;
import java.util.List;
import java.util.Map;

/** What blind-spot checks read of the capture: counters, tracer state, libraries, connections. */
public interface CaptureView {
    Map<String, Long> counters();

    TracerState tracerState();

    List<LibraryRegistry.LibraryView> libraries();

    List<ConnectionActivity.Connection> connections();
}
