package io.tlsscope.metrics;

import io.tlsscope.protocol.QueryDecoder;
import io.tlsscope.tracer.CounterValue;
import io.tlsscope.tracer.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every counter of the service in one list, kernel side included: each way data can be lost is one
 * of them. What the REST API, Prometheus and JMX all show.
 */
@ApplicationScoped
public class AllCounters {
    /** Levels (how many now), not totals since start: exported as gauges. */
    private static final Set<String> LEVELS = Set.of("sse.clients", "libraries.attached");

    private final Tracer tracer;
    private final QueryDecoder decoder;

    public AllCounters(Tracer tracer, QueryDecoder decoder) {
        this.tracer = tracer;
        this.decoder = decoder;
    }

    public List<CounterValue> all() {
        List<CounterValue> values = new ArrayList<>(tracer.counters());
        values.add(new CounterValue("decoder.queries", decoder.queries(), "statements decoded from captured connections (PostgreSQL, MySQL/MariaDB)"));
        values.add(new CounterValue("decoder.drops", decoder.drops(), "captured events the query decoder could not take in time"));
        values.add(new CounterValue("decoder.evicted-connections", decoder.evictedConnections(),
                "connections whose decoder state was dropped to stay within the connection limit"));
        values.add(new CounterValue("decoder.desyncs", decoder.desyncs(), "times a connection's byte stream could not be framed (gap or garbage) and was resynchronised"));
        values.add(new CounterValue("decoder.failures", decoder.decodeFailures(), "events whose decoding threw (a decoder bug; the connection goes on)"));
        return values;
    }

    /** Whether the counter is a level (may go down) rather than a total since start. */
    public static boolean isLevel(String name) {
        return LEVELS.contains(name);
    }
}
