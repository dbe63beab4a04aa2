package io.tlsscope.alerts.blindspot;

import io.tlsscope.capture.ConnectionActivity;
import io.tlsscope.tracer.LibraryStatus;
import io.tlsscope.tracer.TracerState;
import java.util.List;
import java.util.Map;

/** What blind-spot checks read of the capture: counters, tracer state, libraries, connections. */
public interface CaptureView {
    Map<String, Long> counters();

    TracerState tracerState();

    List<LibraryStatus> libraries();

    List<ConnectionActivity.Connection> connections();
}
