package io.tlsscope.sink.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.alerts.AlertEvent;
import io.tlsscope.api.EventViews;
import io.tlsscope.events.EventBus;
import io.tlsscope.events.EventSubscription;
import io.tlsscope.events.StreamEvent;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.host.HostIdentity;
import io.tlsscope.protocol.QueryEvent;
import java.util.List;

/**
 * The sink's one contact with the event bus and the event classes. The capture thread only offers
 * events to this feed's bounded bus queue (full: its oldest event is dropped and counted as
 * kafka.dropped.queue-full.records); the sender thread takes them out and turns each into a record
 * here: the JSON the SSE stream sends (EventViews, the same ObjectMapper), the connection key, and
 * the headers. Alerts (rules and blind spots) go to the alerts topic.
 */
final class BusFeed implements EventSource, AutoCloseable {
    /** How far the sender may fall behind the bus, in events of every type (the bus cuts it to half its log). */
    static final int QUEUE_EVENTS = 1 << 15;
    static final String SCHEMA_VERSION = "1";

    private final EventSubscription subscription;
    private final EventViews views;
    private final ObjectMapper json;
    private final HostIdentity host;
    private final EventTopics topics;

    BusFeed(EventBus bus, EventViews views, ObjectMapper json, HostIdentity host, EventTopics topics) {
        this.views = views;
        this.json = json;
        this.host = host;
        this.topics = topics;
        this.subscription = bus.subscribeInternal(QUEUE_EVENTS, event -> topics.topicOf(typeOf(event)).isPresent());
    }

    /** The type the event's JSON carries, or null for events the sink does not send. */
    static String typeOf(StreamEvent event) {
        return switch (event) {
            case QueryEvent ignored -> EventTopics.QUERY;
            case TlsDataEvent ignored -> EventTopics.RAW;
            case AlertEvent ignored -> EventTopics.ALERT;
            default -> null;
        };
    }

    @Override
    public OutboundRecord next() {
        StreamEvent event = subscription.poll();
        if (event == null) {
            return null;
        }
        String type = typeOf(event);
        byte[] value;
        try {
            value = json.writeValueAsBytes(views.of(event));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("serialise " + event.getClass().getSimpleName(), impossible);
        }
        return new OutboundRecord(topics.topicOf(type).orElseThrow(), key(event), value, List.of(
                OutboundRecord.header(Headers.HOST, host.id()),
                OutboundRecord.header(Headers.HOSTNAME, host.name()),
                OutboundRecord.header(Headers.SCHEMA_VERSION, SCHEMA_VERSION),
                OutboundRecord.header(Headers.EVENT_TYPE, type)));
    }

    private byte[] key(StreamEvent event) {
        return switch (event) {
            case QueryEvent query -> RecordKeys.of(host, query.connection().id());
            case TlsDataEvent data -> RecordKeys.of(host, data.connectionId());
            // a rule's alert goes with its statement's connection; a blind spot has none: its cause keeps its raise and clear in order
            case AlertEvent alert -> alert.query() != null
                    ? RecordKeys.of(host, alert.query().connection().id())
                    : RecordKeys.of(host, "blind-spot-" + alert.rule() + "-" + alert.key());
            default -> throw new IllegalArgumentException("no key for " + event.getClass().getSimpleName());
        };
    }

    /** Events the bus queue lost because the sender fell behind. */
    long queueDrops() {
        return subscription.dropped();
    }

    @Override
    public void close() {
        subscription.close();
    }

    /** The header names of every record. */
    static final class Headers {
        static final String HOST = "host";
        static final String HOSTNAME = "hostname";
        static final String SCHEMA_VERSION = "schema-version";
        static final String EVENT_TYPE = "event-type";

        private Headers() {
        }
    }
}
