package io.tlsscope.sink.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the Kafka sink, beside the tracer's. DEGRADED (brokers away, records waiting or being
 * dropped) stays UP with the state and reason in the data: tracing, SSE and the counters all go on,
 * a broker outage hits every host of a fleet at once, and an orchestrator that restarted or
 * unrouted a not-ready instance would throw the buffered records away. Only FAILED (the operator's
 * settings were refused, so the sink can never run without a change) is DOWN, so a rollout catches it.
 */
@Readiness
@ApplicationScoped
public class KafkaSinkHealthCheck implements HealthCheck {
    private final KafkaSink sink;

    public KafkaSinkHealthCheck(KafkaSink sink) {
        this.sink = sink;
    }

    @Override
    public HealthCheckResponse call() {
        SinkStatus status = sink.status();
        KafkaSink.RecordBufferView buffer = sink.bufferView();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("kafka-sink")
                .status(status.state() != SinkStatus.State.FAILED)
                .withData("state", status.state().name())
                .withData("bufferedRecords", buffer.records())
                .withData("bufferedBytes", buffer.bytes())
                .withData("bufferLimitBytes", buffer.limitBytes())
                .withData("droppedRecords", buffer.droppedRecords());
        if (status.reason() != null) {
            response.withData("reason", status.reason());
        }
        return response.build();
    }
}
