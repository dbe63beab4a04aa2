package io.tlsscope.events;

import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.counters.Counter;
import io.tlsscope.counters.CounterReading;
import io.tlsscope.counters.CounterSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * In-process fan-out of captured events to subscribers (SSE clients, sinks). Publishing never
 * blocks: each subscriber has its own bounded queue that loses its oldest events when full, and
 * those losses are counted. Thread-safe: the capture thread publishes raw chunks and query events,
 * and other parts of the service may publish events of their own.
 */
@ApplicationScoped
public class EventBus implements CounterSource {
    private static final Counter PUBLISHED = Counter.total("events.published", "plaintext chunks delivered to the event bus");
    private static final Counter PUBLISHED_BYTES = Counter.total("events.bytes", "plaintext bytes delivered to the event bus");
    private static final Counter CLIENT_DROPS = Counter.total("sse.client-drops", "events SSE clients lost because they read too slowly");
    private static final Counter CLIENTS = Counter.level("sse.clients", "SSE clients connected now");
    private static final Counter RESUME_MISSED = Counter.total("sse.resume-missed",
            "events resuming SSE clients asked for (Last-Event-ID) that were no longer kept; each client was told");

    /** Events kept for SSE clients that resume (Last-Event-ID) when no configuration says otherwise. */
    static final int DEFAULT_REPLAY = 10_000;
    static final long DEFAULT_REPLAY_BYTES = 64L << 20;

    private final CopyOnWriteArrayList<EventSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<EventSubscription> internal = new CopyOnWriteArrayList<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong publishedBytes = new AtomicLong();
    private final AtomicLong droppedByClosedSubscriptions = new AtomicLong();
    private final ReplayBuffer replay;
    private final AtomicLong resumeMissed = new AtomicLong();
    private long lastId;

    @Inject
    public EventBus(TlsscopeConfig config) {
        this(config.sse().replayEvents(), config.sse().replayBytes());
    }

    public EventBus() {
        this(DEFAULT_REPLAY, DEFAULT_REPLAY_BYTES);
    }

    public EventBus(int replayEvents, long replayBytes) {
        this.replay = new ReplayBuffer(replayEvents, replayBytes);
    }

    /**
     * Gives the event the next id, keeps it for resuming clients and offers it to every subscriber.
     * Synchronised: the ring-buffer reader and the query decoder both publish, and every subscriber
     * must see ids in increasing order.
     */
    public synchronized void publish(StreamEvent event) {
        if (event instanceof TlsDataEvent data) {
            published.incrementAndGet();
            publishedBytes.addAndGet(data.data().length);
        }
        Sequenced sequenced = new Sequenced(++lastId, event);
        replay.add(sequenced);
        for (EventSubscription subscription : subscriptions) {
            subscription.offer(sequenced);
        }
        for (EventSubscription subscription : internal) {
            subscription.offer(sequenced);
        }
    }

    /**
     * A subscription of the service's own (a sink such as a rule engine or an exporter): it gets
     * events like a client but is not one, so it is not counted in sse.clients or sse.client-drops;
     * its owner counts its drops.
     */
    public EventSubscription subscribeInternal(int capacity, Predicate<StreamEvent> filter) {
        EventSubscription subscription = new EventSubscription(capacity, filter, internal::remove);
        internal.add(subscription);
        return subscription;
    }

    /**
     * For a client resuming after lastId: a subscription to new events (made first, so nothing
     * falls between) and the kept events after lastId that the filter accepts.
     */
    public synchronized Resumed resume(long lastId, int capacity, Predicate<StreamEvent> filter) {
        EventSubscription live = subscribe(capacity, filter);
        ReplayBuffer.Replay held = replay.after(lastId, this.lastId, filter);
        resumeMissed.addAndGet(Math.max(0, held.missed()));
        return new Resumed(live, held.events(), held.missed());
    }

    /** Ids resuming clients asked for that were no longer kept, over all time. */
    public long resumeMissed() {
        return resumeMissed.get();
    }

    /**
     * A resumed stream: the kept events to send first, then the live subscription.
     *
     * @param missed ids after the client's last one that are no longer kept (some may not have matched its
     *               filter), or -1 when the id is from before the service started: what came between is unknown
     */
    public record Resumed(EventSubscription live, List<Sequenced> replay, long missed) {
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

    /** Events subscribers lost because they were slower than the capture, over all time. */
    public long subscriberDrops() {
        long live = subscriptions.stream().mapToLong(EventSubscription::dropped).sum();
        return droppedByClosedSubscriptions.get() + live;
    }

    public int subscriberCount() {
        return subscriptions.size();
    }

    @Override
    public String owner() {
        return "event-bus";
    }

    @Override
    public List<CounterReading> read() {
        return List.of(PUBLISHED.reading(published()), PUBLISHED_BYTES.reading(publishedBytes()),
                CLIENT_DROPS.reading(subscriberDrops()), CLIENTS.reading(subscriberCount()), RESUME_MISSED.reading(resumeMissed()));
    }
}
