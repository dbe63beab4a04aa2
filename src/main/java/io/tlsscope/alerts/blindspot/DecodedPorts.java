package io.tlsscope.alerts.blindspot;

import io.tlsscope.conn.TcpTuple;
import io.tlsscope.protocol.QueryEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Database server ports statements were decoded on, with how many: fed by the rule thread with
 * every query event, read by the blind-spot checks. A port seen here is a database port from then
 * on. Thread-safe, bounded by the number of ports.
 */
@ApplicationScoped
public class DecodedPorts {
    private final Map<Integer, Long> statementsByPort = new ConcurrentHashMap<>();

    public void record(QueryEvent query) {
        TcpTuple tuple = query.connection().tuple();
        if (tuple != null) {
            int port = "server".equals(query.side()) ? tuple.source().getPort() : tuple.destination().getPort();
            statementsByPort.merge(port, 1L, Long::sum);
        }
    }

    /** Statements decoded on port since start (server side or client side). */
    long statements(int port) {
        return statementsByPort.getOrDefault(port, 0L);
    }

    boolean known(int port) {
        return statementsByPort.containsKey(port);
    }
}
