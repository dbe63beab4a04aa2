package io.tlsscope.api;

import io.tlsscope.tracer.Tracer;
import io.tlsscope.tracer.TracerControl;
import io.tlsscope.tracer.TracerState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the kernel side is loaded and attached; DOWN carries the reason. */
@Readiness
@ApplicationScoped
public class TracerHealthCheck implements HealthCheck {
    private final Tracer tracer;
    private final TracerControl control;

    public TracerHealthCheck(Tracer tracer, TracerControl control) {
        this.tracer = tracer;
        this.control = control;
    }

    @Override
    public HealthCheckResponse call() {
        TracerState state = tracer.state();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("tracer")
                .status(state.status() == TracerState.Status.UP)
                .withData("state", state.status().name())
                .withData("reason", state.reason())
                .withData("libraries", control.libraries().size());
        tracer.running().ifPresent(running -> response.withData("userMemoryReads", running.kernel().userMemoryReads().settingValue()));
        return response.build();
    }
}
