package io.tlsscope.testsupport;

import io.quarkus.runtime.StartupEvent;
import io.tlsscope.tracer.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * In the packaged application the serve command starts tracing; a @QuarkusTest runs no command, so
 * this test-only bean starts it with the application, as serve would.
 */
@ApplicationScoped
public class TracingInTests {
    void onStart(@Observes StartupEvent startup, Tracer tracer) {
        tracer.start();
    }
}
