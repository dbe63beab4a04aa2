package io.tlsscope.api;

import io.tlsscope.alerts.AlertEvent;
import io.tlsscope.conn.TcpTuple;
import io.tlsscope.events.StreamEvent;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.host.HostIdentity;
import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.protocol.QueryEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** Turns captured events into their JSON form; everything it shows travels with the event, and the host it was captured on. */
@ApplicationScoped
public class EventViews {
    private final HostIdentity host;

    public EventViews(HostIdentity host) {
        this.host = host;
    }

    /** The JSON form of any stream event. */
    public Object of(StreamEvent event) {
        return switch (event) {
            case TlsDataEvent data -> of(data);
            case QueryEvent query -> of(query);
            case AlertEvent alert -> of(alert);
            default -> throw new IllegalArgumentException("no JSON form for " + event.getClass().getSimpleName());
        };
    }

    public AlertView of(AlertEvent alert) {
        return AlertViews.of(alert, this::of);
    }

    public QueryView of(QueryEvent event) {
        ConnectionInfo connection = event.connection();
        TcpTuple tuple = connection.tuple();
        String end = IsoInstant.format(event.end());
        return new QueryView("query", end, host,
                new QueryView.QueryConnection(connection.id(), connection.pid(), connection.comm(), connection.protocol(),
                        tuple == null ? null : TcpTuple.format(tuple.source()),
                        tuple == null ? null : TcpTuple.format(tuple.destination()),
                        connection.user(), connection.database(), connection.application()),
                event.side(), event.command(), event.statement(), event.statementBytes(), event.parameters(), IsoInstant.format(event.start()), end,
                Duration.between(event.start(), event.end()).toNanos() / 1000, event.commandTag(), event.rows(), event.rowsPartial(),
                event.responseBytesSkipped(), event.columns(), event.columnsPartial(),
                event.sqlState(), event.errorCode(), event.error(), event.transactionStatus(), event.notices(), event.copy());
    }

    public EventView of(TlsDataEvent event) {
        TcpTuple tuple = event.tuple();
        PrintableText.Rendering text = PrintableText.of(event.data());
        return new EventView(
                "tls-data",
                IsoInstant.format(event.time()),
                host,
                event.pid(),
                event.tid(),
                event.comm(),
                event.direction().jsonName(),
                event.function().symbol(),
                event.library(),
                "0x" + Long.toHexString(event.ssl()),
                event.connectionId(),
                event.fd(),
                event.fdMethod().jsonName(),
                event.layout(),
                tuple == null ? null : new EventView.ConnectionRef(TcpTuple.format(tuple.source()), TcpTuple.format(tuple.destination())),
                event.cgroupId(),
                event.containerId(),
                event.callId(),
                event.callSequence(),
                event.callBytes(),
                event.chunkSequence(),
                event.lastChunk(),
                event.truncated(),
                event.dataOffset(),
                event.data().length,
                text == null ? null : text.text(),
                text == null ? null : text.exact(),
                event.data());
    }
}
