package io.tlsscope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.events.Sequenced;
import io.tlsscope.events.StreamEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The JSON of bus events ({@link EventViews}), rendered once for all the clients that take an
 * event: the latest renderings are kept by bus id, so clients that keep up (they read the same
 * recent ids within a millisecond or so of each other) share one. A client far behind, or two
 * clients rendering the same id at the same moment, render it again, which costs time but changes
 * nothing: the rendering of an event is always the same. Renderings larger than
 * {@link #MAX_CACHED_BYTES} are not kept (a 16 KiB chunk is about 40 KiB of JSON with its text and
 * base64), so the cache holds at most 16 MiB, and well under 1 MiB for database statements.
 * Thread-safe; the ids are those of the service's one bus.
 */
@ApplicationScoped
public class EventJson {
    static final int CACHED = 1024;
    static final int MAX_CACHED_BYTES = 16 * 1024;

    private record Rendered(long id, byte[] json) {
    }

    private final AtomicReferenceArray<Rendered> recent = new AtomicReferenceArray<>(CACHED);
    private final EventViews views;
    private final ObjectMapper json;

    public EventJson(EventViews views, ObjectMapper json) {
        this.views = views;
        this.json = json;
    }

    /** The event's JSON, as UTF-8. */
    public byte[] of(Sequenced event) {
        int slot = (int) event.id() & (CACHED - 1);
        Rendered cached = recent.get(slot);
        if (cached != null && cached.id() == event.id()) {
            return cached.json();
        }
        byte[] rendered = render(event.event());
        if (rendered.length <= MAX_CACHED_BYTES) {
            recent.set(slot, new Rendered(event.id(), rendered));
        }
        return rendered;
    }

    private byte[] render(StreamEvent event) {
        try {
            return json.writeValueAsBytes(views.of(event));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("serialise " + event.getClass().getSimpleName(), impossible);
        }
    }
}
