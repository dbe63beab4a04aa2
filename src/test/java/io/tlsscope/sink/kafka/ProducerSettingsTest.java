package io.tlsscope.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ProducerSettingsTest {

    @Test
    void idempotentAcksAllCompressedAndBufferAboveTheSinksBound() throws Exception {
        Properties properties = ProducerSettings.of("127.0.0.1:9092", 1 << 20, "tlsscope-db1", Map.of());
        assertThat(properties).containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all")
                .containsEntry("compression.type", "lz4")
                .containsEntry("client.id", "tlsscope-db1")
                .containsEntry("buffer.memory", Long.toString((1 << 20) + ProducerSettings.BATCH_SLACK_BYTES));
    }

    @Test
    void passThroughPropertiesReachTheProducerAndReplaceDefaults() throws Exception {
        Properties properties = ProducerSettings.of("b:9093", 1 << 20, "c", Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "compression.type", "zstd"));
        assertThat(properties).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("compression.type", "zstd");
    }

    @Test
    void whatTheSinkReliesOnCannotBeChanged() {
        for (String fixed : new String[] {"acks", "enable.idempotence", "buffer.memory", "value.serializer", "bootstrap.servers"}) {
            assertThatThrownBy(() -> ProducerSettings.of("b:9092", 1 << 20, "c", Map.of(fixed, "1")))
                    .isInstanceOf(ProducerSettings.Refused.class)
                    .hasMessageStartingWith("tlsscope.kafka.producer." + fixed + " cannot be set");
        }
    }

    @Test
    void aBufferTooSmallForOneBatchIsRefused() {
        assertThatThrownBy(() -> ProducerSettings.of("b:9092", 1000, "c", Map.of()))
                .hasMessage("tlsscope.kafka.buffer-bytes must be at least 65536, was 1000");
    }
}
