package io.tlsscope.sink.kafka;

import io.tlsscope.conn.TcpTuple;
import io.tlsscope.host.HostIdentity;
import java.nio.charset.StandardCharsets;

/**
 * The record key: host and connection, so that one connection's events stay in order in one
 * partition. The connection is the process and its 4-tuple as the JSON names them
 * ({@code HOSTID/PID/SOURCE-DESTINATION}), which a consumer can rebuild from any event; a raw chunk
 * whose socket was not found falls back to its SSL object's address. A 4-tuple can come back after
 * its connection closed; a reused key only merges two connections' order, never splits one.
 */
final class RecordKeys {
    private RecordKeys() {
    }

    static byte[] of(HostIdentity host, int pid, TcpTuple tuple, String fallback) {
        String connection = tuple == null ? fallback : TcpTuple.format(tuple.source()) + "-" + TcpTuple.format(tuple.destination());
        return (host.id() + "/" + pid + "/" + connection).getBytes(StandardCharsets.UTF_8);
    }
}
