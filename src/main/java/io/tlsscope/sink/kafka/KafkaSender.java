package io.tlsscope.sink.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.jboss.logging.Logger;

/**
 * The sink's own thread: takes records from the event source into the byte-bounded buffer (a record
 * that does not fit is dropped and counted: the newest goes, since older ones may already sit in the
 * producer) and hands them to the producer in order. While the brokers are unreachable and the
 * producer has no metadata for a topic, send() refuses the record after max.block.ms; it stays first
 * in line and is offered again, so per-connection order holds and nothing waits outside the bound.
 * Once handed over, a record's fate comes back in the producer's callback: acknowledged (sent) or
 * given up (send-failed). Started and closed by one owner thread.
 */
final class KafkaSender implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KafkaSender.class);
    /**
     * How long the sender sleeps when nothing waits. It is not woken per event: that would cost the
     * capture thread a futex wake-up per event and the sender a context switch per event (the bench
     * measured the latter as most of its CPU at 10k events/s); 2 ms is far below linger.ms.
     */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Events taken per round before handing over: events arriving faster than they are taken must not starve the hand-over. */
    private static final int INTAKE_PER_ROUND = 4096;

    private final EventSource source;
    private final Producer<byte[], byte[]> producer;
    private final RecordBuffer buffer;
    private final SinkCounters counters;
    private final SendErrors errors;
    /** Reserved in the buffer, not yet accepted by the producer; in arrival order. Sender thread only. */
    private final ArrayDeque<OutboundRecord> waiting = new ArrayDeque<>();
    private volatile boolean running = true;
    private Thread thread;

    KafkaSender(EventSource source, Producer<byte[], byte[]> producer, RecordBuffer buffer, SinkCounters counters, SendErrors errors) {
        this.source = source;
        this.producer = producer;
        this.buffer = buffer;
        this.counters = counters;
        this.errors = errors;
    }

    void start() {
        thread = Thread.ofPlatform().name("tlsscope-kafka").daemon().start(this::run);
    }

    private void run() {
        while (running) {
            boolean took = intake();
            boolean handedAll = handOver();
            if (!took && handedAll) {
                LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
        }
    }

    /** Moves waiting events (a round's worth) into the buffer, or drops each that does not fit; whether any came. */
    private boolean intake() {
        boolean took = false;
        OutboundRecord next;
        for (int taken = 0; taken < INTAKE_PER_ROUND && (next = source.next()) != null; taken++) {
            took = true;
            long size = next.bytes();
            if (buffer.reserve(size)) {
                waiting.addLast(next);
            } else {
                counters.droppedBufferFull(size);
            }
        }
        return took;
    }

    /** Hands waiting records to the producer in order; false when the producer could not take them all yet. */
    private boolean handOver() {
        OutboundRecord next;
        while ((next = waiting.peekFirst()) != null) {
            long size = next.bytes();
            Delivery delivery = new Delivery(size);
            try {
                producer.send(next.toProducerRecord(), delivery);
            } catch (KafkaException | IllegalStateException | LinkageError refused) {
                // thrown rather than called back: a producer that is closed or in a fatal state, or a
                // compression codec whose native library cannot load (zstd-jni on a noexec tmpdir);
                // the record is lost and counted, and the sender goes on with the next
                waiting.pollFirst();
                delivered(size, refused instanceof Exception exception ? exception : new KafkaException(refused));
                continue;
            }
            if (delivery.refusedInSend() != null) {
                // brokers unreachable (no metadata within max.block.ms) or producer memory full: keep it first in line
                counters.sendFailure();
                errors.record(delivery.refusedInSend());
                return false;
            }
            waiting.pollFirst();
            if (!running) {
                return false;
            }
        }
        return true;
    }

    /**
     * One record's callback. The producer reports a refusal inside send() itself through the
     * callback too, on the calling thread before send() returns; a retriable one (no metadata for
     * the topic in time, no producer memory) is kept for the sender to offer the record again.
     * Everything else is the record's fate.
     */
    private final class Delivery implements Callback {
        private final long size;
        private final Thread caller = Thread.currentThread();
        private boolean returned;
        private RetriableException refusedInSend;

        Delivery(long size) {
            this.size = size;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception failure) {
            if (!returned && Thread.currentThread() == caller && failure instanceof RetriableException retriable) {
                refusedInSend = retriable;
                return;
            }
            delivered(size, failure);
        }

        /** Called by the sender once send() returned: the refusal it made, if any. */
        RetriableException refusedInSend() {
            returned = true;
            return refusedInSend;
        }
    }

    /** On the producer's I/O thread: the record's fate. */
    private void delivered(long size, Exception failure) {
        buffer.release(size);
        if (failure == null) {
            counters.sent(size);
            errors.recovered();
        } else {
            counters.sendFailure();
            counters.droppedSendFailed(size);
            errors.record(failure);
        }
    }

    /**
     * Stops the thread, then gives the producer up to timeout to deliver what it holds; records it
     * could not deliver come back through their callbacks as send-failed, and those never handed
     * over are counted the same way here.
     */
    void close(Duration timeout) {
        running = false;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(timeout.toMillis() + 2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(timeout);
        long undelivered = 0;
        OutboundRecord left;
        while ((left = waiting.pollFirst()) != null) {
            buffer.release(left.bytes());
            counters.droppedSendFailed(left.bytes());
            undelivered++;
        }
        if (undelivered > 0 || buffer.records() > 0) {
            LOG.warnf("kafka sink stopped with %d records never handed to the producer (counted as kafka.dropped.send-failed)", undelivered);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
