package io.tlsscope.events;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * In-process fan-out of captured events to subscribers (SSE clients, sinks). Publishing never
 * blocks: each subscriber has its own bounded queue that loses its oldest events when full, and
 * those losses are counted. Thread-safe; the ring-buffer reader thread is the only publisher.
 */
@ApplicationScoped
public class EventBus {
    private final CopyOnWriteArrayList<EventSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong publishedBytes = new AtomicLong();
    private final AtomicLong publishedDecoded = new AtomicLong();
    private final AtomicLong droppedByClosedSubscriptions = new AtomicLong();

    public void publish(StreamEvent event) {
        if (event instanceof TlsDataEvent data) {
            published.incrementAndGet();
            publishedBytes.addAndGet(data.data().length);
        } else {
            publishedDecoded.incrementAndGet();
        }
        for (EventSubscription subscription : subscriptions) {
            subscription.offer(event);
        }
    }

    /** A new subscription to every event, holding at most capacity undelivered events. */
    public EventSubscription subscribe(int capacity) {
        return subscribe(capacity, event -> true);
    }

    /** A new subscription to the events filter accepts, holding at most capacity undelivered events. */
    public EventSubscription subscribe(int capacity, Predicate<StreamEvent> filter) {
        EventSubscription subscription = new EventSubscription(capacity, filter, this::unsubscribe);
        subscriptions.add(subscription);
        return subscription;
    }

    private void unsubscribe(EventSubscription subscription) {
        if (subscriptions.remove(subscription)) {
            droppedByClosedSubscriptions.addAndGet(subscription.dropped());
        }
    }

    public long published() {
        return published.get();
    }

    public long publishedBytes() {
        return publishedBytes.get();
    }

    /** Decoded events (queries) published. */
    public long publishedDecoded() {
        return publishedDecoded.get();
    }

    /** Events subscribers lost because they were slower than the capture, over all time. */
    public long subscriberDrops() {
        long live = subscriptions.stream().mapToLong(EventSubscription::dropped).sum();
        return droppedByClosedSubscriptions.get() + live;
    }

    public int subscriberCount() {
        return subscriptions.size();
    }
}
