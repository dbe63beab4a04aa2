package io.tlsscope.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.events.EventBus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * GET /api/v1/events as a plain Vert.x route rather than a JAX-RS Multi: the JAX-RS SSE writer
 * sends one HTTP write per event and waits for it before requesting the next, which under load
 * delivered about ten times fewer events than the kernel captured (docs/benchmarks.md). Here each
 * write carries every event waiting, up to a batch, on the connection's event loop ({@link SseConnection}).
 * Filters: {@link EventFilter}, applied as the client reads its bus subscription. Every event has
 * an SSE id; a client that reconnects with Last-Event-ID (or ?lastEventId=) first gets the kept
 * events after it, and a "gap" event saying how many were no longer kept. Documented in
 * META-INF/openapi.json.
 */
@ApplicationScoped
public class EventsRoute {
    static final String PATH = "/api/v1/events";

    private final EventBus bus;
    private final EventJson events;
    private final ObjectMapper json;
    private final TlsscopeConfig config;

    public EventsRoute(EventBus bus, EventJson events, ObjectMapper json, TlsscopeConfig config) {
        this.bus = bus;
        this.events = events;
        this.json = json;
        this.config = config;
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(this::stream);
    }

    private void stream(RoutingContext context) {
        EventFilter filter;
        long lastEventId;
        try {
            filter = EventFilter.parse(name -> context.queryParams().get(name));
            lastEventId = lastEventId(context);
        } catch (EventFilter.InvalidFilter invalid) {
            Problem.badRequest(invalid.field(), invalid.getMessage()).send(context.response(), json);
            return;
        }
        int behind = config.sse().clientBufferEvents();
        EventBus.Resumed resumed = lastEventId < 0
                ? new EventBus.Resumed(bus.subscribe(behind, filter.predicate()), 0)
                : bus.resume(lastEventId, behind, filter.predicate());
        new SseConnection(context.response(), context.vertx().getOrCreateContext(), resumed, events).open();
    }

    /** The id to resume after: the Last-Event-ID header, else the lastEventId parameter; -1 for a fresh stream. */
    private static long lastEventId(RoutingContext context) throws EventFilter.InvalidFilter {
        String header = context.request().getHeader("Last-Event-ID");
        String value = header != null ? header : context.queryParams().get("lastEventId");
        if (value == null) {
            return -1;
        }
        try {
            long id = Long.parseLong(value.strip());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new EventFilter.InvalidFilter(header != null ? "Last-Event-ID" : "lastEventId",
                "the event id to resume after must be a whole number of 0 or more, was '" + value + "'");
    }
}
