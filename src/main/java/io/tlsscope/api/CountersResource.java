package io.tlsscope.api;

import io.tlsscope.protocol.QueryDecoder;
import io.tlsscope.tracer.CounterValue;
import io.tlsscope.tracer.Tracer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Every counter of the service, kernel side included: each way data can be lost is one of them. */
@Path("/api/v1/counters")
@Tag(name = "counters")
@Produces(MediaType.APPLICATION_JSON)
public class CountersResource {
    private final Tracer tracer;
    private final QueryDecoder decoder;

    public CountersResource(Tracer tracer, QueryDecoder decoder) {
        this.decoder = decoder;
        this.tracer = tracer;
    }

    @GET
    @Operation(summary = "Read all counters",
            description = "Events, bytes, ring-buffer drops, truncations, unresolved fds, attach failures, "
                    + "SSE client drops and more, each with a description. Totals since the service started.")
    public List<CounterValue> counters() {
        List<CounterValue> values = new ArrayList<>(tracer.counters());
        values.add(new CounterValue("decoder.queries", decoder.queries(), "statements decoded from captured connections (PostgreSQL, MySQL/MariaDB)"));
        values.add(new CounterValue("decoder.drops", decoder.drops(), "captured events the query decoder could not take in time"));
        values.add(new CounterValue("decoder.evicted-connections", decoder.evictedConnections(),
                "connections whose decoder state was dropped to stay within the connection limit"));
        values.add(new CounterValue("decoder.desyncs", decoder.desyncs(), "times a connection's byte stream could not be framed (gap or garbage) and was resynchronised"));
        values.add(new CounterValue("decoder.failures", decoder.decodeFailures(), "events whose decoding threw (a decoder bug; the connection goes on)"));
        return values;
    }
}
