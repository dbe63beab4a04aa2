package io.tlsscope.sink.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which topic each kind of event goes to, by the type its JSON carries: query events to the queries
 * topic, alerts to the alerts topic, raw plaintext chunks to the raw topic only when asked for.
 */
record EventTopics(Map<String, String> byType) {
    static final String QUERY = "query";
    static final String RAW = "tls-data";
    static final String ALERT = "alert";

    EventTopics {
        byType = Map.copyOf(byType);
    }

    static EventTopics of(KafkaSinkConfig config) {
        Map<String, String> topics = new HashMap<>();
        topics.put(QUERY, config.topics().queries());
        topics.put(ALERT, config.topics().alerts());
        if (config.raw()) {
            topics.put(RAW, config.topics().raw());
        }
        return new EventTopics(topics);
    }

    Optional<String> topicOf(String type) {
        return Optional.ofNullable(type == null ? null : byType.get(type));
    }
}
