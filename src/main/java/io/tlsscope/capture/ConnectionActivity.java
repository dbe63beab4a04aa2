package io.tlsscope.capture;

import io.tlsscope.conn.TcpTuple;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.collections.LruMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The TLS connections data was captured on, per process and TCP 4-tuple: SSL calls, bytes, when
 * last seen. Bounded (the least recently active are forgotten first); calls whose socket was not
 * resolved have no tuple and are counted as kernel.fd.unresolved instead.
 */
public final class ConnectionActivity {
    private static final int MAX_CONNECTIONS = 16384;

    /** One connection as seen from one process. */
    public record Connection(int pid, String comm, int fd, TcpTuple tuple, long calls, long bytes, Instant lastSeen) {
    }

    private record Key(int pid, TcpTuple tuple) {
    }

    private static final class Activity {
        String comm;
        int fd;
        long calls;
        long bytes;
        Instant lastSeen;
    }

    private final Map<Key, Activity> byConnection = new LruMap<>(MAX_CONNECTIONS);

    synchronized void count(TlsDataEvent event) {
        if (event.tuple() == null) {
            return;
        }
        Activity activity = byConnection.computeIfAbsent(new Key(event.pid(), event.tuple()), key -> new Activity());
        activity.comm = event.comm();
        activity.fd = event.fd();
        activity.bytes += event.data().length;
        activity.calls += event.lastChunk() ? 1 : 0;
        activity.lastSeen = event.time();
    }

    synchronized List<Connection> connections() {
        List<Connection> connections = new ArrayList<>(byConnection.size());
        byConnection.forEach((key, activity) -> connections.add(new Connection(key.pid(), activity.comm, activity.fd, key.tuple(),
                activity.calls, activity.bytes, activity.lastSeen)));
        return connections;
    }
}
