package io.tlsscope.alerts.blindspot;

import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Blind spots in the capture, in /q/health (group wellness, /q/health/well): DOWN while any is in
 * force, with each cause and its detail. Not readiness: the service still serves what it sees.
 */
@Wellness
@ApplicationScoped
public class BlindSpotHealthCheck implements HealthCheck {
    private final BlindSpotMonitor monitor;

    public BlindSpotHealthCheck(BlindSpotMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public HealthCheckResponse call() {
        var active = monitor.active();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("capture-blind-spots").status(active.isEmpty())
                .withData("active", active.size());
        for (BlindSpotMonitor.Active spot : active) {
            response.withData(spot.finding().key(), spot.finding().detail() + " [counter " + spot.finding().counter() + "]");
        }
        return response.build();
    }
}
