package io.tlsscope.rules;

import io.tlsscope.alerts.ProcessInfo;
import io.tlsscope.conn.TcpTuple;
import io.tlsscope.protocol.QueryEvent;
import java.net.InetSocketAddress;

/**
 * What rules see of one statement: the query event, both ends' processes as far as known, the host
 * and the traced process's container. {@link #sql()} is computed once, on first use.
 *
 * @param clientEnd the client's end of the connection (address, port), null when unknown
 * @param serverEnd the server's end, null when unknown
 */
public record QueryFacts(QueryEvent query, ProcessInfo client, ProcessInfo server, InetSocketAddress clientEnd,
                         InetSocketAddress serverEnd, String host, String container, Normalized normalized) {

    /** Facts with the ends taken from the traced process's 4-tuple and side. */
    public static QueryFacts of(QueryEvent query, ProcessInfo client, ProcessInfo server, String host, String container) {
        TcpTuple tuple = query.connection().tuple();
        boolean clientTraced = "client".equals(query.side());
        InetSocketAddress clientEnd = tuple == null ? null : clientTraced ? tuple.source() : tuple.destination();
        InetSocketAddress serverEnd = tuple == null ? null : clientTraced ? tuple.destination() : tuple.source();
        return new QueryFacts(query, client, server, clientEnd, serverEnd, host, container, new Normalized(query.statement()));
    }

    /** The statement lowercased, comments removed, whitespace runs made one space. */
    public String sql() {
        return normalized.get();
    }

    /** A per-event lazy value: most statements are judged without it. */
    static final class Normalized {
        private final String statement;
        private String value;

        Normalized(String statement) {
            this.statement = statement;
        }

        String get() {
            if (value == null) {
                value = SqlText.normalize(statement);
            }
            return value;
        }
    }
}
