package io.tlsscope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.events.EventBus;
import io.tlsscope.events.StreamEvent;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.protocol.QueryEvent;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.function.Predicate;

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
        router.get(PATH).handler(context -> {
            String type = context.queryParams().get("type");
            Optional<Predicate<StreamEvent>> filter = filter(type == null ? "raw" : type);
            if (filter.isEmpty()) {
                context.response().setStatusCode(400).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .end(problem("type must be raw, query or all, was '" + type + "'"));
                return;
            }
            new SseConnection(context.response(), bus.subscribe(config.sse().clientBufferEvents(), filter.get()), views::of, json,
                    Infrastructure.getDefaultWorkerPool()).open();
        });
    }

    /** An RFC 9457 problem for a bad `type` parameter. */
    private String problem(String detail) {
        try {
            return json.writeValueAsString(Problem.badRequest("type", detail));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("serialize problem", impossible);
        }
    }

    /** raw: captured plaintext chunks (the default); query: decoded statements; all: both. */
    static Optional<Predicate<StreamEvent>> filter(String type) {
        return switch (type) {
            case "raw" -> Optional.of(event -> event instanceof TlsDataEvent);
            case "query" -> Optional.of(event -> event instanceof QueryEvent);
            case "all" -> Optional.of(event -> true);
            default -> Optional.empty();
        };
    }
}
