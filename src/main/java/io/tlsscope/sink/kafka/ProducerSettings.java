package io.tlsscope.sink.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer's properties: the operator's pass-through ones, the sink's defaults under them, and
 * what the sink relies on over them. Relied on: idempotence with acks=all (no duplicates, per-key
 * order across retries), byte-array serializers (records are serialised once, by the sink) and
 * buffer.memory above the sink's own byte bound (so send() never waits for producer memory).
 */
final class ProducerSettings {
    static final int BATCH_BYTES = 65_536;
    /** Room for part-filled batches beyond the sink's bound: one batch for each of up to 512 partitions. */
    static final long BATCH_SLACK_BYTES = 512L * BATCH_BYTES;

    private static final Set<String> FIXED = Set.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.ACKS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.BUFFER_MEMORY_CONFIG, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);

    /** A setting the sink cannot work with: which property and why. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private ProducerSettings() {
    }

    static Properties of(String bootstrapServers, long bufferBytes, String clientId, Map<String, String> passThrough) throws Refused {
        if (bufferBytes < 1 << 16) {
            throw new Refused("tlsscope.kafka.buffer-bytes must be at least 65536, was " + bufferBytes);
        }
        Properties properties = new Properties();
        // lz4: a few times less CPU than zstd on the monitored host for JSON that compresses well either way (docs/benchmarks.md)
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_BYTES));
        // records wait for the brokers as long as the sink's byte bound lets them, not for a fixed time
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
        // the sender thread retries a record whose topic has no metadata yet rather than waiting a minute
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        for (Map.Entry<String, String> setting : passThrough.entrySet()) {
            if (FIXED.contains(setting.getKey())) {
                throw new Refused("tlsscope.kafka.producer." + setting.getKey() + " cannot be set: the sink "
                        + (setting.getKey().equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)
                        ? "takes the brokers from tlsscope.kafka.bootstrap-servers"
                        : "relies on its own value (idempotent producer, acks=all, byte-array records, buffer.memory from tlsscope.kafka.buffer-bytes)"));
            }
            properties.put(setting.getKey(), setting.getValue());
        }
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(bufferBytes + BATCH_SLACK_BYTES));
        return properties;
    }
}
