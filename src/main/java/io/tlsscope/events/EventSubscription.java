package io.tlsscope.events;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One subscriber's place in the bus's {@link EventLog}: a cursor and a filter, applied by the
 * subscriber itself as it reads, so the publisher does nothing per subscriber. A subscriber may fall
 * behind the newest event by at most its capacity (counted in events of every type, before its
 * filter; cut to half the events the log holds); what lies beyond is skipped, and the events among them that its filter accepts are
 * counted as dropped. Events that fell out of the log before the subscriber looked at them are
 * counted as dropped whether or not they would have matched: nobody can tell any more.
 * <p>
 * Threads: {@link #pollSequenced}, {@link #skipBeyondCapacity} and {@link #takeUnreported} are
 * the consumer's, one thread at a time; {@link #dropped}, {@link #lagsBeyondCapacity} and
 * {@link #close} may be called from any thread; the listener runs on the bus's notifier thread.
 */
public final class EventSubscription implements AutoCloseable {
    private final EventLog log;
    private final int capacity;
    private final Predicate<StreamEvent> filter;
    private final Consumer<EventSubscription> onClose;
    /** The first id published after the subscription was made; before it, a resume's replay, which capacity does not cut. */
    private final long firstLive;
    /** The next id to look at. Written by the consumer only. */
    private volatile long next;
    /** Written by the consumer only, read by anyone. */
    private volatile long dropped;
    /** Drops the consumer has not announced to its client yet. */
    private long unreported;
    private volatile Runnable listener = () -> { };
    private volatile boolean closed;

    EventSubscription(EventLog log, long from, int capacity, Predicate<StreamEvent> filter, Consumer<EventSubscription> onClose) {
        if (capacity < 1) {
            throw new IllegalArgumentException("subscription capacity must be at least 1, was " + capacity);
        }
        this.log = log;
        // within half the log, so that what the subscriber skips is still held to be checked against its filter
        this.capacity = Math.max(1, Math.min(capacity, log.maxEvents() / 2));
        this.filter = filter;
        this.onClose = onClose;
        this.next = from;
        this.firstLive = log.newest() + 1;
    }

    /**
     * Run on the bus's notifier thread (never the publisher's) after new events were published,
     * at most about once per millisecond however many there were; must be quick and never block.
     */
    public void onAvailable(Runnable newListener) {
        this.listener = newListener;
    }

    void wake() {
        if (!closed) {
            listener.run();
        }
    }

    /** The oldest event not yet taken that the filter accepts, with its id, or null when there is none yet. */
    public Sequenced pollSequenced() {
        skipBeyondCapacity();
        long newest = log.newest();
        long id = next;
        try {
            for (; id <= newest; id++) {
                Sequenced held = log.read(id);
                if (held == null) {
                    return null; // its publisher has not written it yet: the ids after it wait too
                }
                if (held == EventLog.GONE) {
                    lose(1);
                } else if (filter.test(held.event())) {
                    id++;
                    return held;
                }
            }
            return null;
        } finally {
            next = id;
        }
    }

    /** The oldest event not yet taken that the filter accepts, or null. */
    public StreamEvent poll() {
        Sequenced next = pollSequenced();
        return next == null ? null : next.event();
    }

    /**
     * Moves the cursor past the events no longer held and up to capacity events behind the newest,
     * counting the skipped events the filter accepts (and all those no longer held) as dropped. For a consumer that cannot take events
     * now (its client does not read) but should still count what it loses as it happens.
     */
    public void skipBeyondCapacity() {
        long from = next;
        long oldest = log.oldest();
        if (from < oldest) { // fell out of the log, whether they would have matched or not: nobody can tell any more
            lose(oldest - from);
            from = oldest;
            next = from;
        }
        long keepFrom = log.newest() - capacity + 1;
        if (from < firstLive || keepFrom <= from) {
            return; // within capacity, or still replaying: the log's own bounds apply
        }
        long lost = 0;
        for (long id = from; id < keepFrom; id++) {
            Sequenced held = log.read(id);
            if (held == null || held == EventLog.GONE || filter.test(held.event())) {
                lost++;
            }
        }
        next = keepFrom;
        lose(lost);
    }

    /** Whether the subscriber is further behind than its capacity, or than the log holds. Any thread. */
    public boolean lagsBeyondCapacity() {
        long from = next;
        return from < log.oldest() || from >= firstLive && log.newest() - from + 1 > capacity;
    }

    private void lose(long events) {
        if (events > 0) {
            dropped += events; // one writer: the consumer
            unreported += events;
        }
    }

    /** Events dropped since the last call, for telling the client; the consumer's thread. */
    public long takeUnreported() {
        long events = unreported;
        unreported = 0;
        return events;
    }

    /** Events this subscriber lost because it read too slowly, over its life. Any thread. */
    public long dropped() {
        return dropped;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.accept(this);
    }
}
