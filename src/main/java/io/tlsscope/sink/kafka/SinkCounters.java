package io.tlsscope.sink.kafka;

import io.tlsscope.counters.Counter;
import io.tlsscope.counters.CounterReading;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The sink's counters, {@code kafka.*}: what the brokers took, what waits, and every record lost
 * with its reason. Every event the sink accepted from the bus ends up in exactly one of sent,
 * buffered or a dropped.* counter. Thread-safe.
 */
final class SinkCounters {
    static final Counter SENT_RECORDS = Counter.total("kafka.sent.records", "records the Kafka brokers acknowledged");
    static final Counter SENT_BYTES = Counter.total("kafka.sent.bytes", "bytes (key, value, headers) of the records the brokers acknowledged");
    static final Counter BUFFERED_RECORDS = Counter.level("kafka.buffered.records", "records waiting for the brokers now (the sink's buffer)");
    static final Counter BUFFERED_BYTES = Counter.level("kafka.buffered.bytes",
            "bytes waiting for the brokers now; bounded by tlsscope.kafka.buffer-bytes");
    static final Counter QUEUE_FULL_RECORDS = Counter.total("kafka.dropped.queue-full.records",
            "events lost before serialisation: the sink's queue on the event bus was full (the sender thread fell behind)");
    static final Counter BUFFER_FULL_RECORDS = Counter.total("kafka.dropped.buffer-full.records",
            "records dropped because the buffer (tlsscope.kafka.buffer-bytes) was full: the brokers were away or slower than the events");
    static final Counter BUFFER_FULL_BYTES = Counter.total("kafka.dropped.buffer-full.bytes", "bytes of the records dropped because the buffer was full");
    static final Counter SEND_FAILED_RECORDS = Counter.total("kafka.dropped.send-failed.records",
            "records the producer gave up on (a non-retriable error such as authorisation or size, or undelivered at shutdown)");
    static final Counter SEND_FAILED_BYTES = Counter.total("kafka.dropped.send-failed.bytes", "bytes of the records the producer gave up on");
    static final Counter SEND_FAILURES = Counter.total("kafka.send-failures",
            "errors the producer reported, retried ones included (no metadata from the brokers yet, failed deliveries)");

    private final AtomicLong sentRecords = new AtomicLong();
    private final AtomicLong sentBytes = new AtomicLong();
    private final AtomicLong bufferFullRecords = new AtomicLong();
    private final AtomicLong bufferFullBytes = new AtomicLong();
    private final AtomicLong sendFailedRecords = new AtomicLong();
    private final AtomicLong sendFailedBytes = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final RecordBuffer buffer;
    private final LongSupplier queueFullRecords;

    SinkCounters(RecordBuffer buffer, LongSupplier queueFullRecords) {
        this.buffer = buffer;
        this.queueFullRecords = queueFullRecords;
    }

    /** Every kafka.* counter with its value now, in one place. */
    List<CounterReading> read() {
        return List.of(
                SENT_RECORDS.reading(sentRecords.get()),
                SENT_BYTES.reading(sentBytes.get()),
                BUFFERED_RECORDS.reading(buffer.records()),
                BUFFERED_BYTES.reading(buffer.bytes()),
                QUEUE_FULL_RECORDS.reading(queueFullRecords.getAsLong()),
                BUFFER_FULL_RECORDS.reading(bufferFullRecords.get()),
                BUFFER_FULL_BYTES.reading(bufferFullBytes.get()),
                SEND_FAILED_RECORDS.reading(sendFailedRecords.get()),
                SEND_FAILED_BYTES.reading(sendFailedBytes.get()),
                SEND_FAILURES.reading(sendFailures.get()));
    }

    void sent(long bytes) {
        sentRecords.incrementAndGet();
        sentBytes.addAndGet(bytes);
    }

    void droppedBufferFull(long bytes) {
        bufferFullRecords.incrementAndGet();
        bufferFullBytes.addAndGet(bytes);
    }

    void droppedSendFailed(long bytes) {
        sendFailedRecords.incrementAndGet();
        sendFailedBytes.addAndGet(bytes);
    }

    void sendFailure() {
        sendFailures.incrementAndGet();
    }

    long droppedRecords() {
        return queueFullRecords.getAsLong() + bufferFullRecords.get() + sendFailedRecords.get();
    }
}
