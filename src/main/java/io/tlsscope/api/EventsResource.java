package io.tlsscope.api;

import io.smallrye.mutiny.Multi;
import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.events.EventBus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Live stream of captured plaintext over Server-Sent Events. */
@Path("/api/v1/events")
@Tag(name = "events")
public class EventsResource {
    private final EventBus bus;
    private final EventViews views;
    private final TlsscopeConfig config;

    public EventsResource(EventBus bus, EventViews views, TlsscopeConfig config) {
        this.bus = bus;
        this.views = views;
        this.config = config;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Stream captured TLS plaintext",
            description = "Each SSE event is one chunk of one SSL call, as JSON. Events captured before the "
                    + "client connected are not replayed. A client that reads too slowly loses its own oldest "
                    + "events (counted as sse.client-drops); other clients and the capture are not affected.")
    public Multi<EventView> stream() {
        return SubscriptionStream.of(bus.subscribe(config.sse().clientBufferEvents()), views::of);
    }
}
