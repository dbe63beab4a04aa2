package io.tlsscope.sink.kafka;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes and records between the bus and the brokers' acknowledgement, bounded in bytes: the
 * sender reserves a record's bytes before handing it to the producer and the producer's callback
 * releases them. Thread-safe (reserve on the sender thread, release on the producer's I/O thread).
 */
final class RecordBuffer {
    private final long limitBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    /** System.nanoTime() of the last release, or of the reservation that made the buffer non-empty. */
    private volatile long lastProgressNanos = System.nanoTime();

    RecordBuffer(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /** Takes room for a record of size bytes; false (and nothing taken) when it does not fit. */
    boolean reserve(long size) {
        while (true) {
            long now = bytes.get();
            if (now + size > limitBytes) {
                return false;
            }
            if (bytes.compareAndSet(now, now + size)) {
                if (records.getAndIncrement() == 0) {
                    lastProgressNanos = System.nanoTime();
                }
                return true;
            }
        }
    }

    /** Gives back a record's room once the brokers took it or it was given up. */
    void release(long size) {
        bytes.addAndGet(-size);
        records.decrementAndGet();
        lastProgressNanos = System.nanoTime();
    }

    long bytes() {
        return bytes.get();
    }

    long records() {
        return records.get();
    }

    long limitBytes() {
        return limitBytes;
    }

    /** How long records have waited without any being acknowledged or given up; zero when none wait. */
    long stalledNanos(long nowNanos) {
        return records.get() == 0 ? 0 : Math.max(0, nowNanos - lastProgressNanos);
    }
}
