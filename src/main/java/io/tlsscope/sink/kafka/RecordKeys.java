package io.tlsscope.sink.kafka;

import io.tlsscope.host.HostIdentity;
import java.nio.charset.StandardCharsets;

/**
 * The record key: host and connection, so that one connection's events stay in order in one
 * partition: {@code HOSTID/CONNECTION-ID}, the connection id the kernel gives every connection and
 * never reuses (the JSON carries it as connectionId, and connection.id for queries), so a consumer
 * can rebuild the key from any event.
 */
final class RecordKeys {
    private RecordKeys() {
    }

    static byte[] of(HostIdentity host, long connectionId) {
        return of(host, Long.toString(connectionId));
    }

    /** For what has no connection (a blind-spot alert): a name of its own. */
    static byte[] of(HostIdentity host, String name) {
        return (host.id() + "/" + name).getBytes(StandardCharsets.UTF_8);
    }
}
