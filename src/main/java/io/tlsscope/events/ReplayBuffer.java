package io.tlsscope.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The latest events, for clients that resume a stream (SSE Last-Event-ID). Bounded: the oldest
 * fall out. Callers synchronise (the bus appends under its publish lock).
 */
final class ReplayBuffer {
    /** What a resume gets: the events after the id still held, and how many ids in between fell out. */
    record Replay(List<Sequenced> events, long missed) {
    }

    private final int capacity;
    private final ArrayDeque<Sequenced> events;

    ReplayBuffer(int capacity) {
        this.capacity = capacity;
        this.events = new ArrayDeque<>(Math.min(capacity, 4096));
    }

    void add(Sequenced event) {
        if (capacity == 0) {
            return;
        }
        if (events.size() == capacity) {
            events.pollFirst();
        }
        events.addLast(event);
    }

    /** Events after lastId that the filter accepts; missed counts the ids after lastId no longer held. */
    Replay after(long lastId, long newestId, Predicate<StreamEvent> filter) {
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
