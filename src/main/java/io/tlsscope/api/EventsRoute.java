package io.tlsscope.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.events.EventBus;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * GET /api/v1/events as a plain Vert.x route rather than a JAX-RS Multi: the JAX-RS SSE writer
 * sends one HTTP write per event and waits for it before requesting the next, which under load
 * delivered about ten times fewer events than the kernel captured (docs/benchmarks.md). Here each
 * write carries every event waiting, up to a batch. Documented in META-INF/openapi.yaml.
 */
@ApplicationScoped
public class EventsRoute {
    static final String PATH = "/api/v1/events";

    private final EventBus bus;
    private final EventViews views;
    private final ObjectMapper json;
    private final TlsscopeConfig config;

    public EventsRoute(EventBus bus, EventViews views, ObjectMapper json, TlsscopeConfig config) {
        this.bus = bus;
        this.views = views;
        this.json = json;
        this.config = config;
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(context -> new SseConnection(context.response(),
                bus.subscribe(config.sse().clientBufferEvents()), views::of, json,
                Infrastructure.getDefaultWorkerPool()).open());
    }
}
