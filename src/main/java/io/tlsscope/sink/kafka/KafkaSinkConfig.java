package io.tlsscope.sink.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The Kafka sink, prefix {@code tlsscope.kafka}: off until bootstrap-servers is set. Any Kafka
 * producer property passes through under {@code tlsscope.kafka.producer.} (TLS, SASL, linger, ...).
 */
@ConfigMapping(prefix = "tlsscope.kafka")
public interface KafkaSinkConfig {

    /** host:port[,host:port...] of the brokers; the sink is off without it. */
    Optional<String> bootstrapServers();

    Topics topics();

    /** Send raw plaintext chunks to topics.raw as well. Off: they carry whatever the connections carried. */
    @WithDefault("false")
    boolean raw();

    /**
     * Bytes of records (key, value and headers) held between the bus and the brokers' acknowledgement;
     * past that, new records are dropped and counted. Sizes how long a broker outage loses nothing:
     * bytes per statement (about 700) x statements per second x seconds.
     */
    @WithDefault("67108864")
    long bufferBytes();

    /** Records waiting this long with no acknowledgement from the brokers mark the sink degraded in /q/health/ready. */
    @WithDefault("10s")
    Duration degradedAfter();

    /**
     * Kafka producer properties, passed as they are (e.g. {@code tlsscope.kafka.producer."security.protocol"=SSL});
     * what the sink itself relies on (idempotence, acks=all, serializers, buffer.memory) cannot be changed.
     */
    Map<String, String> producer();

    interface Topics {
        @WithDefault("tlsscope.queries")
        String queries();

        @WithDefault("tlsscope.raw")
        String raw();

        @WithDefault("tlsscope.alerts")
        String alerts();
    }
}
