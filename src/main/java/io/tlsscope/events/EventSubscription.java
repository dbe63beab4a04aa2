package io.tlsscope.events;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One subscriber's bounded queue. When full, the oldest event is discarded and counted, so a
 * slow subscriber loses its own history and never slows the publisher. Thread-safe.
 */
public final class EventSubscription implements AutoCloseable {
    private final int capacity;
    private final Predicate<StreamEvent> filter;
    private final Consumer<EventSubscription> onClose;
    private final ArrayDeque<Sequenced> queue;
    private long dropped;
    private Runnable listener = () -> { };
    private boolean closed;

    EventSubscription(int capacity, Predicate<StreamEvent> filter, Consumer<EventSubscription> onClose) {
        if (capacity < 1) {
            throw new IllegalArgumentException("subscription capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.filter = filter;
        this.onClose = onClose;
        this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** Called (on the publisher's thread) after each offered event; must not block. */
    public synchronized void onAvailable(Runnable newListener) {
        this.listener = newListener;
    }

    void offer(Sequenced event) {
        if (!filter.test(event.event())) {
            return;
        }
        Runnable toNotify;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.size() == capacity) {
                queue.pollFirst();
                dropped++;
            }
            queue.addLast(event);
            toNotify = listener;
        }
        toNotify.run();
    }

    /** The oldest undelivered event, or null. */
    public StreamEvent poll() {
        Sequenced next = pollSequenced();
        return next == null ? null : next.event();
    }

    /** The oldest undelivered event with its id, or null. */
    public synchronized Sequenced pollSequenced() {
        return queue.pollFirst();
    }

    public synchronized long dropped() {
        return dropped;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
        }
        onClose.accept(this);
    }
}
