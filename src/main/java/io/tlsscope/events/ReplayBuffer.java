package io.tlsscope.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The latest events, for clients that resume a stream (SSE Last-Event-ID). Bounded by count and by
 * bytes (a raw event holds up to a 16 KiB chunk): the oldest fall out. Callers synchronise (the bus
 * appends under its publish lock).
 */
final class ReplayBuffer {
    /** Unknown how many were missed: the id is from before the service (re)started. */
    static final long UNKNOWN = -1;
    /** What an event costs besides its captured bytes (record, strings, references), roughly. */
    private static final int EVENT_OVERHEAD = 256;

    /** What a resume gets: the events after the id still held, and how many ids in between fell out (or UNKNOWN). */
    record Replay(List<Sequenced> events, long missed) {
    }

    private final int capacity;
    private final long maxBytes;
    private final ArrayDeque<Sequenced> events;
    private long bytes;

    ReplayBuffer(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.events = new ArrayDeque<>(Math.min(capacity, 4096));
    }

    void add(Sequenced event) {
        if (capacity == 0) {
            return;
        }
        events.addLast(event);
        bytes += sizeOf(event);
        while (events.size() > capacity || bytes > maxBytes && events.size() > 1) {
            bytes -= sizeOf(events.pollFirst());
        }
    }

    private static long sizeOf(Sequenced event) {
        return EVENT_OVERHEAD + (event.event() instanceof TlsDataEvent data ? data.data().length : EVENT_OVERHEAD);
    }

    /** Events after lastId that the filter accepts; missed counts the ids after lastId no longer held. */
    Replay after(long lastId, long newestId, Predicate<StreamEvent> filter) {
        if (lastId > newestId) {
            return new Replay(List.of(), UNKNOWN); // ids restart with the service
        }
        long oldestHeld = events.isEmpty() ? newestId + 1 : events.peekFirst().id();
        long missed = Math.max(0, Math.min(oldestHeld, newestId + 1) - lastId - 1);
        List<Sequenced> replay = new ArrayList<>();
        for (Sequenced event : events) {
            if (event.id() > lastId && filter.test(event.event())) {
                replay.add(event);
            }
        }
        return new Replay(replay, missed);
    }
}
