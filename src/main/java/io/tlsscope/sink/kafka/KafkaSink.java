package io.tlsscope.sink.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.tlsscope.api.EventViews;
import io.tlsscope.counters.CounterReading;
import io.tlsscope.counters.CounterSource;
import io.tlsscope.events.EventBus;
import io.tlsscope.host.HostIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;

/**
 * The Kafka sink's life: off without tlsscope.kafka.bootstrap-servers; otherwise {@link #start()}
 * (by the serve command, like tracing) makes the producer, the bus feed and the sender thread, and
 * shutdown flushes for a bounded time. A configuration the producer refuses leaves the sink FAILED
 * with the reason and the rest of the service running. Owner of the kafka.* counters.
 */
@ApplicationScoped
public class KafkaSink implements CounterSource {
    private static final Logger LOG = Logger.getLogger(KafkaSink.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaSinkConfig config;
    private final EventBus bus;
    private final EventViews views;
    private final ObjectMapper json;
    private final HostIdentity host;
    private final RecordBuffer buffer;
    private final SinkCounters counters;
    private final SendErrors errors = new SendErrors();
    private volatile BusFeed feed;
    private volatile KafkaSender sender;
    private volatile SinkStatus refused;

    public KafkaSink(KafkaSinkConfig config, EventBus bus, EventViews views, ObjectMapper json, HostIdentity host) {
        this.config = config;
        this.bus = bus;
        this.views = views;
        this.json = json;
        this.host = host;
        this.buffer = new RecordBuffer(config.bufferBytes());
        this.counters = new SinkCounters(buffer, () -> {
            BusFeed current = feed;
            return current == null ? 0 : current.queueDrops();
        });
    }

    /** Starts the sink when bootstrap servers are configured; once. */
    public synchronized void start() {
        if (config.bootstrapServers().isEmpty() || sender != null || refused != null) {
            return;
        }
        Properties properties;
        try {
            properties = ProducerSettings.of(config.bootstrapServers().get(), config.bufferBytes(), "tlsscope-" + host.name(),
                    config.producer());
        } catch (ProducerSettings.Refused refusal) {
            fail(refusal.getMessage());
            return;
        }
        KafkaProducer<byte[], byte[]> producer;
        try {
            producer = new KafkaProducer<>(properties);
        } catch (KafkaException badSetting) {
            fail("the Kafka producer refused its settings (tlsscope.kafka.*): " + rootMessage(badSetting));
            return;
        }
        feed = new BusFeed(bus, views, json, host, EventTopics.of(config));
        sender = new KafkaSender(feed, producer, buffer, counters, errors);
        sender.start();
        LOG.infof("kafka sink: %s -> %s, topics %s, buffer %d bytes", host.name(), config.bootstrapServers().get(),
                EventTopics.of(config).byType(), config.bufferBytes());
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        BusFeed currentFeed = feed;
        if (currentFeed != null) {
            currentFeed.close();
        }
        KafkaSender current = sender;
        if (current != null) {
            current.close(CLOSE_TIMEOUT);
        }
    }

    private void fail(String reason) {
        refused = new SinkStatus(SinkStatus.State.FAILED, reason);
        LOG.errorf("kafka sink not started: %s", reason);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? error.getMessage() : error.getMessage() + ": " + root.getMessage();
    }

    /** The sink's state now, for the readiness check. */
    public SinkStatus status() {
        if (refused != null) {
            return refused;
        }
        if (sender == null) {
            return new SinkStatus(SinkStatus.State.DISABLED, "no tlsscope.kafka.bootstrap-servers");
        }
        long now = System.nanoTime();
        long stalled = buffer.stalledNanos(now);
        long degradedAfter = config.degradedAfter().toNanos();
        String error = errors.recent(now, degradedAfter);
        if (stalled < degradedAfter && error == null) {
            return new SinkStatus(SinkStatus.State.UP, null);
        }
        StringBuilder reason = new StringBuilder();
        if (stalled >= degradedAfter) {
            reason.append("no record acknowledged by the brokers for ").append(Duration.ofNanos(stalled).toSeconds()).append(" s; ");
        }
        reason.append(buffer.records()).append(" records (").append(buffer.bytes()).append(" of ").append(buffer.limitBytes())
                .append(" bytes) waiting");
        if (error != null) {
            reason.append("; last error: ").append(error);
        }
        return new SinkStatus(SinkStatus.State.DEGRADED, reason.toString());
    }

    public RecordBufferView bufferView() {
        return new RecordBufferView(buffer.records(), buffer.bytes(), buffer.limitBytes(), counters.droppedRecords());
    }

    /**
     * The buffer as the readiness check shows it.
     *
     * @param droppedRecords records lost since start, every reason together
     */
    public record RecordBufferView(long records, long bytes, long limitBytes, long droppedRecords) {
    }

    @Override
    public String owner() {
        return "kafka";
    }

    /** The kafka.* counters, zero while the sink is off. */
    @Override
    public List<CounterReading> read() {
        return counters.read();
    }
}
