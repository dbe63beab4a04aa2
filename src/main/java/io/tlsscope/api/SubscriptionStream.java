package io.tlsscope.api;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.tlsscope.events.EventSubscription;
import io.tlsscope.events.TlsDataEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Bridges an {@link EventSubscription} to a Multi that emits only as fast as the subscriber
 * requests: the HTTP layer requests more as the socket drains, so a slow client's events wait in
 * its own bounded queue (where the oldest are dropped and counted), never in an unbounded buffer.
 */
final class SubscriptionStream {
    private SubscriptionStream() {
    }

    static <T> Multi<T> of(EventSubscription subscription, Function<TlsDataEvent, T> mapper) {
        return Multi.createFrom().emitter(emitter -> {
            Drain<T> drain = new Drain<>(subscription, emitter, mapper);
            emitter.onTermination(subscription::close);
            emitter.onRequest(requested -> drain.run());
            subscription.onAvailable(drain::schedule);
            drain.run();
        }, BackPressureStrategy.ERROR);
    }

    /** Emits queued events while there is demand; re-entrant calls from any thread are serialized. */
    private static final class Drain<T> implements Runnable {
        private final EventSubscription subscription;
        private final MultiEmitter<? super T> emitter;
        private final Function<TlsDataEvent, T> mapper;
        private final AtomicInteger pending = new AtomicInteger();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        Drain(EventSubscription subscription, MultiEmitter<? super T> emitter, Function<TlsDataEvent, T> mapper) {
            this.subscription = subscription;
            this.emitter = emitter;
            this.mapper = mapper;
        }

        /**
         * Called on the publisher's (ring-buffer reader's) thread: hands the draining, mapping and
         * writing to a worker so the reader never waits on a client. Coalesces bursts into one task.
         */
        void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                Infrastructure.getDefaultExecutor().execute(() -> {
                    scheduled.set(false);
                    run();
                });
            }
        }

        @Override
        public void run() {
            if (pending.getAndIncrement() != 0) {
                return; // the thread already draining will loop once more
            }
            do {
                while (!emitter.isCancelled() && emitter.requested() > 0) {
                    TlsDataEvent event = subscription.poll();
                    if (event == null) {
                        break;
                    }
                    emitter.emit(mapper.apply(event));
                }
            } while (pending.decrementAndGet() != 0);
        }
    }
}
