package io.tlsscope.sink.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * One event on its way to Kafka, serialised once.
 *
 * @param headers name and value of each header, in order
 */
record OutboundRecord(String topic, byte[] key, byte[] value, List<Header> headers) {

    OutboundRecord {
        headers = List.copyOf(headers);
    }

    static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What the record weighs in the sink's buffer and its byte counters: key, value, and each
     * header's name (UTF-8) and value. The same sum a consumer can make from what it received.
     */
    long bytes() {
        long total = (long) key.length + value.length;
        for (Header header : headers) {
            total += header.key().getBytes(StandardCharsets.UTF_8).length + header.value().length;
        }
        return total;
    }

    ProducerRecord<byte[], byte[]> toProducerRecord() {
        return new ProducerRecord<>(topic, null, key, value, headers);
    }
}
