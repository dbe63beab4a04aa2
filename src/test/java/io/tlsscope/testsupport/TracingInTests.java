package io.tlsscope.testsupport;

import io.quarkus.runtime.StartupEvent;
import io.tlsscope.sink.kafka.KafkaSink;
import io.tlsscope.tracer.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * In the packaged application the serve command starts the Kafka sink and tracing; a @QuarkusTest
 * runs no command, so this test-only bean starts them with the application, as serve would.
 * A test profile that sets {@code tlsscope-tests.start-tracing=false} starts tracing itself
 * ({@link Tracer#start()}), at the moment it chooses (a service started in the middle of a login).
 */
@ApplicationScoped
public class TracingInTests {
    void onStart(@Observes StartupEvent startup, KafkaSink kafka, Tracer tracer,
                 @ConfigProperty(name = "tlsscope-tests.start-tracing", defaultValue = "true") boolean startTracing) {
        kafka.start();
        if (startTracing) {
            tracer.start();
        }
    }
}
