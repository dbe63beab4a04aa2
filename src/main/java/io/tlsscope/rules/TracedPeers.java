package io.tlsscope.rules;

import io.tlsscope.capture.CapturePipeline;
import io.tlsscope.capture.ConnectionActivity;
import io.tlsscope.conn.TcpTuple;
import io.tlsscope.collections.LruMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@link PeerLookup} over the connections the tracer captured data on (the adapter to the tracer).
 * Works from a snapshot. A tuple missing from it is looked up in a fresh one only when the snapshot
 * is older than the moment the rule thread received the statement: the peer's calls are counted on
 * the ring-buffer thread before the statement can even be decoded, so a snapshot taken after that
 * moment has them, and a tuple missing then is remote (not traced here), which is remembered so that
 * later statements on it cost nothing. So a new connection costs at most one snapshot, and one
 * snapshot serves every statement received before it. Not thread-safe (the rule thread owns it).
 */
final class TracedPeers implements PeerLookup {
    private static final int MAX_REMOTE = 16384;

    private final Supplier<List<ConnectionActivity.Connection>> connections;
    private final Set<TcpTuple> remote = java.util.Collections.newSetFromMap(new LruMap<>(MAX_REMOTE));
    private Map<TcpTuple, Peer> byTuple = Map.of();
    private boolean taken;
    private long takenAtNanos;

    TracedPeers(CapturePipeline capture) {
        this(capture::connections);
    }

    TracedPeers(Supplier<List<ConnectionActivity.Connection>> connections) {
        this.connections = connections;
    }

    @Override
    public Optional<Peer> owner(TcpTuple tuple, long byNanos) {
        Peer peer = byTuple.get(tuple);
        if (peer != null || remote.contains(tuple)) {
            return Optional.ofNullable(peer);
        }
        if (!taken || takenAtNanos - byNanos < 0) {
            refresh();
            peer = byTuple.get(tuple);
        }
        if (peer == null) {
            remote.add(tuple);
        }
        return Optional.ofNullable(peer);
    }

    private void refresh() {
        long now = System.nanoTime();
        Map<TcpTuple, Peer> fresh = new HashMap<>();
        for (ConnectionActivity.Connection connection : connections.get()) {
            fresh.put(connection.tuple(), new Peer(connection.pid(), connection.comm()));
        }
        byTuple = fresh;
        takenAtNanos = now;
        taken = true;
        remote.removeIf(fresh::containsKey);
    }
}
