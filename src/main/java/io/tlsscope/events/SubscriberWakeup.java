package io.tlsscope.events;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Tells subscribers that new events are there, on a thread of its own: a publisher only marks that
 * something was published, and wakes this thread when it sleeps, so it never runs a subscriber's
 * code, takes a lock or does work per subscriber. While events keep coming, the subscribers are
 * told in rounds at most about every {@link #ROUND_NANOS}: a burst of events is one round, and the
 * publisher's cost does not grow with the rate at which it publishes.
 */
final class SubscriberWakeup implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SubscriberWakeup.class);
    /** Pace of the rounds under load; at low rates each event starts a round at once. */
    static final long ROUND_NANOS = 1_000_000;

    private final Supplier<Iterable<EventSubscription>> subscriptions;
    /** Something was published since the last round began. */
    private volatile boolean published;
    /** The thread is not parked idle: publishers need not wake it. */
    private final AtomicBoolean awake = new AtomicBoolean(true);
    private final Thread thread;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;

    SubscriberWakeup(Supplier<Iterable<EventSubscription>> subscriptions) {
        this.subscriptions = subscriptions;
        this.thread = Thread.ofPlatform().name("tlsscope-bus-wakeup").daemon().unstarted(this::run);
    }

    /** Starts the thread with the first subscription: a bus nobody reads (or a CDI proxy's) needs none. */
    void start() {
        if (!started.get() && started.compareAndSet(false, true)) {
            thread.start();
        }
    }

    /** After each publish, on the publisher's thread: two volatile reads, and a wake-up when the thread sleeps. */
    void published() {
        if (!published) {
            published = true;
        }
        if (!awake.get() && awake.compareAndSet(false, true)) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (!closed) {
            if (published) {
                published = false;
                for (EventSubscription subscription : subscriptions.get()) {
                    try {
                        subscription.wake();
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "a subscriber's listener failed; the other subscribers are told on");
                    }
                }
                LockSupport.parkNanos(ROUND_NANOS); // events published meanwhile wait for the next round
                continue;
            }
            awake.set(false);
            if (published || closed) { // published between the check above and going to sleep
                awake.set(true);
                continue;
            }
            LockSupport.park(this);
            awake.set(true);
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
