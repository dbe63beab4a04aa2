package io.tlsscope.testsupport;

import io.quarkus.runtime.StartupEvent;
import io.tlsscope.sink.kafka.KafkaSink;
import io.tlsscope.tracer.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * In the packaged application the serve command starts the Kafka sink and tracing; a @QuarkusTest
 * runs no command, so this test-only bean starts them with the application, as serve would.
 */
@ApplicationScoped
public class TracingInTests {
    void onStart(@Observes StartupEvent startup, KafkaSink kafka, Tracer tracer) {
        kafka.start();
        tracer.start();
    }
}
