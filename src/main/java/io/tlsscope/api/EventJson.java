package io.tlsscope.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.tlsscope.events.Sequenced;
import io.tlsscope.events.StreamEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    private static final EventViewSerializer RAW = new EventViewSerializer();
    private static final QueryViewSerializer QUERY = new QueryViewSerializer();
    private final ThreadLocal<Renderer> renderers = ThreadLocal.withInitial(Renderer::new);

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
        Renderer renderer = renderers.get();
        try {
            return renderer.render(views.of(event));
        } catch (IOException | RuntimeException impossible) { // a view always serialises; were it not so, the next event gets a fresh generator
            renderers.remove();
            throw new IllegalStateException("serialise " + event.getClass().getSimpleName(), impossible);
        }
    }

    /**
     * One generator per thread (the SSE event loops), writing event after event into one reused
     * buffer: ObjectMapper.writeValueAsBytes makes a generator and takes and returns its buffers for
     * every event, which was a fifth of an event loop's time for raw events (bench/pipeline.sh).
     */
    private final class Renderer {
        private final ByteArrayBuilder out = new ByteArrayBuilder(4096);
        private final JsonGenerator generator;
        private final ObjectWriter writer = json.writer();

        Renderer() {
            try {
                generator = json.getFactory().createGenerator(out, JsonEncoding.UTF8);
            } catch (IOException impossible) {
                throw new UncheckedIOException("a JSON generator over memory", impossible);
            }
            generator.setRootValueSeparator(null); // one event's JSON per render, nothing between
        }

        byte[] render(Object view) throws IOException {
            switch (view) { // the stream's own views skip databind's serializer lookup by class, per event
                case EventView raw -> RAW.serialize(raw, generator, null);
                case QueryView query -> QUERY.serialize(query, generator, null);
                default -> writer.writeValue(generator, view);
            }
            generator.flush();
            byte[] rendered = out.toByteArray();
            out.reset();
            return rendered;
        }
    }
}
