package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the fleet's events on Kafka from now on: every partition of the topics assigned (no
 * consumer group, nothing committed: a tail, like the SSE stream), each record's value being the
 * JSON the service's stream would have sent, filtered here as the service would have.
 */
final class KafkaEventFollower {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The brokers could not be reached, or a topic does not exist. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private final String bootstrapServers;
    private final Properties settings;
    private final List<String> topics;
    private final Predicate<JsonNode> filter;

    KafkaEventFollower(String bootstrapServers, Properties settings, List<String> topics, Predicate<JsonNode> filter) {
        this.bootstrapServers = bootstrapServers;
        this.settings = settings;
        this.topics = List.copyOf(topics);
        this.filter = filter;
    }

    /** Hands each matching event's JSON to each until it says stop; says on err once it follows. */
    void follow(Predicate<String> each, PrintWriter err) throws Unavailable {
        Properties properties = new Properties();
        properties.putAll(settings);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // a mistyped topic is an error, not a new topic
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(partition -> consumer.position(partition, TIMEOUT)); // the tail starts here, not at the first poll
            err.println("tlsscope: following " + String.join(", ", topics) + " on " + bootstrapServers);
            err.flush();
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    String value = new String(record.value(), StandardCharsets.UTF_8);
                    if (matches(value) && !each.test(value)) {
                        return;
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException unreachable) {
            throw new Unavailable("cannot reach Kafka at " + bootstrapServers + " within " + TIMEOUT.toSeconds() + " s: "
                    + unreachable.getMessage());
        } catch (org.apache.kafka.common.errors.InterruptException interrupted) {
            Thread.currentThread().interrupt();
        } catch (KafkaException refused) {
            throw new Unavailable("Kafka at " + bootstrapServers + ": " + refused.getMessage());
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) throws Unavailable {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new Unavailable("topic " + topic + " does not exist on " + bootstrapServers);
            }
            infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
        return partitions;
    }

    private boolean matches(String value) {
        try {
            return filter.test(JSON.readTree(value));
        } catch (IOException notJson) {
            return false;
        }
    }
}
