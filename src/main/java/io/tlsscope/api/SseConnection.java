package io.tlsscope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.events.EventBus;
import io.tlsscope.events.EventSubscription;
import io.tlsscope.events.Sequenced;
import io.tlsscope.events.StreamEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One SSE client of /api/v1/events. Events wait in the client's own bounded
 * {@link EventSubscription} (oldest dropped and counted when full); a worker turns whatever is
 * waiting into one HTTP write of up to {@link #MAX_BATCH} SSE events ({@link #MAX_BATCH_BYTES}), and stops while the
 * connection's write queue is full, resuming on drain. So a slow client costs only its own events,
 * and a fast one gets many events per write instead of one write and one event-loop hop per event.
 * Each event goes out with its bus id; a resumed stream first sends a "gap" event when ids were no
 * longer kept, then the kept events, then live ones (skipping any the replay already carried).
 */
final class SseConnection {
    static final int MAX_BATCH = 512;
    /**
     * A batch also ends past this many bytes: the write queue is checked only between batches, so
     * a client that never reads would otherwise hold up to MAX_BATCH events (16 KiB chunks, 11 MiB)
     * beyond the connection's high-water mark, per client.
     */
    static final int MAX_BATCH_BYTES = 64 * 1024;
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServerResponse response;
    private final EventSubscription subscription;
    private final java.util.ArrayDeque<Sequenced> replay;
    private final long missed;
    private long lastSentId = -1;
    private final Function<StreamEvent, Object> views;
    private final ObjectMapper json;
    private final Executor worker;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closed;

    SseConnection(HttpServerResponse response, EventBus.Resumed resumed, Function<StreamEvent, Object> views,
                  ObjectMapper json, Executor worker) {
        this.response = response;
        this.subscription = resumed.live();
        this.replay = new java.util.ArrayDeque<>(resumed.replay());
        this.missed = resumed.missed();
        this.views = views;
        this.json = json;
        this.worker = worker;
    }

    /** Sends the headers and starts forwarding; call on the request's event loop. */
    void open() {
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.closeHandler(ignored -> close());
        response.exceptionHandler(ignored -> close());
        response.drainHandler(ignored -> schedule());
        subscription.onAvailable(this::schedule);
        response.write(": tlsscope event stream\n\n");
        if (missed > 0) {
            response.write("event: gap\ndata: {\"missed\":" + missed + ",\"detail\":\"" + missed
                    + " events after the requested id are no longer kept (sse.resume-missed); some may not have matched the filters\"}\n\n");
        } else if (missed < 0) {
            response.write("event: gap\ndata: {\"missed\":-1,\"detail\":\"the requested id is from before the service started;"
                    + " how many events came between is unknown\"}\n\n");
        }
        schedule();
    }

    /** Any thread, never blocks: one drain task at a time, bursts coalesced. */
    private void schedule() {
        if (!closed && scheduled.compareAndSet(false, true)) {
            worker.execute(() -> {
                scheduled.set(false);
                drain();
            });
        }
    }

    private void drain() {
        if (pending.getAndIncrement() != 0) {
            return; // the running drain loops once more
        }
        do {
            while (!closed && !response.writeQueueFull()) {
                Buffer batch = nextBatch();
                if (batch.length() == 0) {
                    break;
                }
                response.write(batch);
            }
        } while (pending.decrementAndGet() != 0);
    }

    private Buffer nextBatch() {
        Buffer batch = Buffer.buffer();
        for (int events = 0; events < MAX_BATCH && batch.length() < MAX_BATCH_BYTES; events++) {
            Sequenced next = replay.isEmpty() ? subscription.pollSequenced() : replay.pollFirst();
            if (next == null) {
                break;
            }
            if (next.id() <= lastSentId) {
                continue; // already sent from the replay
            }
            lastSentId = next.id();
            try {
                batch.appendBytes(ID).appendString(Long.toString(next.id())).appendBytes(DATA)
                        .appendBytes(json.writeValueAsBytes(views.apply(next.event()))).appendBytes(END);
            } catch (JsonProcessingException impossible) {
                throw new IllegalStateException("serialize " + next.event().getClass().getSimpleName(), impossible);
            }
        }
        return batch;
    }

    private void close() {
        closed = true;
        subscription.close();
    }
}
