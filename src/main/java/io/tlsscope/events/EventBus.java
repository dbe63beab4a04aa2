package io.tlsscope.events;

import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.counters.Counter;
import io.tlsscope.counters.CounterReading;
import io.tlsscope.counters.CounterSource;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * In-process fan-out of captured events to subscribers (SSE clients, sinks). Publishing appends
 * to one shared {@link EventLog} and marks that something was published: no lock, no work per
 * subscriber, whatever the number of subscribers. Each subscriber reads the log at its own cursor,
 * filters on its own thread and counts its own losses ({@link EventSubscription}); the
 * {@link SubscriberWakeup} thread tells them when there is something to read. Any thread may
 * publish (the capture thread publishes raw chunks and query events; other parts of the service
 * publish events of their own): ids are increasing in the order events reach every subscriber.
 */
@ApplicationScoped
public class EventBus implements CounterSource, AutoCloseable {
    private static final Counter PUBLISHED = Counter.total("events.published", "plaintext chunks delivered to the event bus");
    private static final Counter PUBLISHED_BYTES = Counter.total("events.bytes", "plaintext bytes delivered to the event bus");
    private static final Counter CLIENT_DROPS = Counter.total("sse.client-drops",
            "events SSE clients lost because they read too slowly (each client is told with a gap event)");
    private static final Counter CLIENTS = Counter.level("sse.clients", "SSE clients connected now");
    private static final Counter RESUME_MISSED = Counter.total("sse.resume-missed",
            "events resuming SSE clients asked for (Last-Event-ID) that were no longer kept; each client was told");
    private static final Counter LOST_UNWRITTEN = Counter.total("events.lost-publishing",
            "events lost because their publisher stalled between numbering and storing them while the bus moved a whole replay buffer past them");

    /** A resume's missed count when the id is from before the service (re)started: how many events came between is unknown. */
    public static final long UNKNOWN_MISSED = -1;

    /** Events kept for subscribers and resuming clients when no configuration says otherwise. */
    static final int DEFAULT_REPLAY = 65_536;
    static final long DEFAULT_REPLAY_BYTES = 64L << 20;

    private final EventLog log;
    private final CopyOnWriteArrayList<EventSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<EventSubscription> internal = new CopyOnWriteArrayList<>();
    private final SubscriberWakeup wakeup = new SubscriberWakeup(() -> () -> Stream.concat(subscriptions.stream(), internal.stream()).iterator());
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong publishedBytes = new AtomicLong();
    private final AtomicLong droppedByClosedSubscriptions = new AtomicLong();
    private final AtomicLong resumeMissed = new AtomicLong();

    @Inject
    public EventBus(TlsscopeConfig config) {
        this(config.sse().replayEvents(), config.sse().replayBytes());
    }

    public EventBus() {
        this(DEFAULT_REPLAY, DEFAULT_REPLAY_BYTES);
    }

    /** Keeps at most replayEvents events and replayBytes of them (captured bytes plus about 256 per event). */
    public EventBus(int replayEvents, long replayBytes) {
        this.log = new EventLog(replayEvents, replayBytes);
    }

    /** Gives the event the next id and keeps it for the subscribers. Lock-free; never blocks. */
    public void publish(StreamEvent event) {
        if (event instanceof TlsDataEvent data) {
            published.incrementAndGet();
            publishedBytes.addAndGet(data.data().length);
        }
        log.append(event);
        wakeup.published();
    }

    /**
     * A subscription of the service's own (a sink such as a rule engine or an exporter): it gets
     * events like a client but is not one, so it is not counted in sse.clients or sse.client-drops;
     * its owner counts its drops.
     */
    public EventSubscription subscribeInternal(int capacity, Predicate<StreamEvent> filter) {
        EventSubscription subscription = new EventSubscription(log, log.newest() + 1, capacity, filter, internal::remove);
        internal.add(subscription);
        wakeup.start();
        return subscription;
    }

    /**
     * For a client resuming after lastId: a subscription that reads the kept events after lastId
     * and then the live ones, from the same log, so they meet with neither gap nor duplicate.
     */
    public Resumed resume(long lastId, int capacity, Predicate<StreamEvent> filter) {
        long newest = log.newest();
        if (lastId > newest) { // ids restart with the service
            return new Resumed(subscribe(capacity, filter), UNKNOWN_MISSED);
        }
        long oldest = log.oldest();
        long missed = Math.max(0, oldest - lastId - 1);
        resumeMissed.addAndGet(missed);
        return new Resumed(register(new EventSubscription(log, Math.max(lastId + 1, oldest), capacity, filter, this::unsubscribe)),
                missed);
    }

    /** Ids resuming clients asked for that were no longer kept, over all time. */
    public long resumeMissed() {
        return resumeMissed.get();
    }

    /**
     * A resumed stream.
     *
     * @param missed ids after the client's last one that are no longer kept (some may not have matched its
     *               filter), or {@link #UNKNOWN_MISSED} when the id is from before the service started
     */
    public record Resumed(EventSubscription subscription, long missed) {
    }

    /** A new subscription to every event, at most capacity events behind the newest. */
    public EventSubscription subscribe(int capacity) {
        return subscribe(capacity, event -> true);
    }

    /** A new subscription to the events filter accepts, at most capacity events (of any type) behind the newest. */
    public EventSubscription subscribe(int capacity, Predicate<StreamEvent> filter) {
        return register(new EventSubscription(log, log.newest() + 1, capacity, filter, this::unsubscribe));
    }

    private EventSubscription register(EventSubscription subscription) {
        subscriptions.add(subscription);
        wakeup.start();
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
    @PreDestroy
    public void close() {
        wakeup.close();
    }

    @Override
    public String owner() {
        return "event-bus";
    }

    @Override
    public List<CounterReading> read() {
        return List.of(PUBLISHED.reading(published()), PUBLISHED_BYTES.reading(publishedBytes()),
                CLIENT_DROPS.reading(subscriberDrops()), CLIENTS.reading(subscriberCount()), RESUME_MISSED.reading(resumeMissed()),
                LOST_UNWRITTEN.reading(log.lostUnwritten()));
    }
}
