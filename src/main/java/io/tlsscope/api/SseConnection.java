package io.tlsscope.api;

import io.tlsscope.events.EventBus;
import io.tlsscope.events.EventSubscription;
import io.tlsscope.events.Sequenced;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One SSE client of /api/v1/events. The client reads the bus at its own {@link EventSubscription}
 * cursor, filtering as it goes; its connection's event loop turns whatever is waiting into HTTP
 * writes of up to {@link #MAX_BATCH} events ({@link #MAX_BATCH_BYTES}) of JSON rendered once for
 * all clients ({@link EventJson}), and stops while the connection's write queue is full, going on
 * when it drains. So a slow client costs only its own events, and a fast one gets many events per
 * write.
 * <p>
 * Everything runs on the connection's event loop: the bus's wake-up thread only schedules a turn
 * there. Writing on the event loop is what makes the write queue's limit hold: a write from another
 * thread is queued as a task on the event loop and is not counted in the write queue until that task
 * runs, so a worker writing to a client that never reads saw room forever and queued its whole
 * backlog on the event loop (with 200 such clients, the event loops that also serve the REST API
 * were busy for tens of seconds: SseManyClientsTest). A turn writes at most
 * {@link #MAX_BATCHES_PER_TURN} batches, then lets the loop's other connections have theirs.
 * <p>
 * Each event goes out with its bus id. Events the client lost (it read too slowly, or a resume asked
 * for ids no longer kept) are announced with a "gap" event before the next one it gets.
 */
final class SseConnection {
    static final int MAX_BATCH = 512;
    /**
     * A batch also ends past this many bytes: the write queue is checked only between batches, so
     * a client that never reads holds at most this much beyond the connection's high-water mark.
     */
    static final int MAX_BATCH_BYTES = 64 * 1024;
    static final int MAX_BATCHES_PER_TURN = 16;
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServerResponse response;
    private final Context eventLoop;
    private final EventSubscription subscription;
    private final long missedBeforeResume;
    private final EventJson json;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The write queue is full; the drain handler goes on. Written on the event loop, read by the wake-up thread. */
    private volatile boolean waitingForDrain;
    private volatile boolean closed;
    /** The last batch's length: the next starts at about that size, as growing a buffer by doubling copies it each time. */
    private int lastBatchBytes = MAX_BATCH_BYTES / 8;

    /**
     * @param eventLoop the context of the connection's event loop (the request handler's)
     */
    SseConnection(HttpServerResponse response, Context eventLoop, EventBus.Resumed resumed, EventJson json) {
        this.response = response;
        this.eventLoop = eventLoop;
        this.subscription = resumed.subscription();
        this.missedBeforeResume = resumed.missed();
        this.json = json;
    }

    /** Sends the headers and starts forwarding; call on the request's event loop. */
    void open() {
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.closeHandler(ignored -> close());
        response.exceptionHandler(ignored -> close());
        response.drainHandler(ignored -> {
            waitingForDrain = false;
            turn();
        });
        Buffer opening = Buffer.buffer(": tlsscope event stream\n\n");
        if (missedBeforeResume > 0) {
            appendGap(opening, missedBeforeResume, missedBeforeResume
                    + " events after the requested id are no longer kept (sse.resume-missed); some may not have matched the filters");
        } else if (missedBeforeResume == EventBus.UNKNOWN_MISSED) {
            appendGap(opening, EventBus.UNKNOWN_MISSED,
                    "the requested id is from before the service started; how many events came between is unknown");
        }
        response.write(opening);
        subscription.onAvailable(this::wake);
        turn();
    }

    /**
     * On the bus's wake-up thread, never blocks: schedules one turn on the event loop, bursts
     * coalesced. A client waiting for its write queue to drain gets a turn only to count what it
     * loses, once it is further behind than its subscription allows.
     */
    private void wake() {
        if (closed || waitingForDrain && !subscription.lagsBeyondCapacity()) {
            return;
        }
        if (scheduled.compareAndSet(false, true)) {
            eventLoop.runOnContext(ignored -> {
                scheduled.set(false);
                turn();
            });
        }
    }

    /** On the event loop. */
    private void turn() {
        if (closed) {
            return;
        }
        if (response.writeQueueFull()) {
            waitingForDrain = true;
            subscription.skipBeyondCapacity(); // counts its losses as they happen; the client hears of them when it reads again
            return;
        }
        for (int batches = 0; batches < MAX_BATCHES_PER_TURN; batches++) {
            Buffer batch = nextBatch();
            if (batch == null) {
                return;
            }
            response.write(batch);
            if (response.writeQueueFull()) {
                waitingForDrain = true;
                return;
            }
        }
        continueAfterReading();
    }

    /**
     * More may be waiting: the next turn comes after the loop has read its sockets. A task queued
     * here (runOnContext) ran again in the same round of the loop's tasks, up to 64 times before
     * Netty looks at the clock and polls its sockets, so under a backlog a new request on this loop,
     * such as a readiness probe, waited 16-23 s (MixedLoadSoakIT, 2-core VM at load average 12). A
     * timer's task joins the loop's tasks only at the start of the next round, after the poll.
     */
    private void continueAfterReading() {
        if (scheduled.compareAndSet(false, true)) {
            eventLoop.owner().setTimer(1, ignored -> {
                scheduled.set(false);
                turn();
            });
        }
    }

    /** The next events the client takes, as SSE, after a gap event for any it lost; null when nothing waits. */
    private Buffer nextBatch() {
        Buffer batch = null;
        for (int events = 0; events < MAX_BATCH && (batch == null || batch.length() < MAX_BATCH_BYTES); events++) {
            Sequenced next = subscription.pollSequenced();
            long lost = subscription.takeUnreported();
            if (lost > 0) {
                batch = batch == null ? Buffer.buffer() : batch;
                appendGap(batch, lost, lost + " events of this stream were dropped because the client read too slowly (sse.client-drops)");
            }
            if (next == null) {
                break;
            }
            batch = batch == null ? Buffer.buffer(lastBatchBytes + lastBatchBytes / 4) : batch;
            batch.appendBytes(ID).appendString(Long.toString(next.id())).appendBytes(DATA).appendBytes(json.of(next)).appendBytes(END);
        }
        if (batch != null) {
            lastBatchBytes = Math.min(batch.length(), 2 * MAX_BATCH_BYTES);
        }
        return batch;
    }

    private static void appendGap(Buffer batch, long missed, String detail) {
        batch.appendString("event: gap\ndata: {\"missed\":" + missed + ",\"detail\":\"" + detail + "\"}\n\n");
    }

    private void close() {
        closed = true;
        subscription.close();
    }
}
