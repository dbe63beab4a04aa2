package io.tlsscope.rules;

import io.tlsscope.conn.TcpTuple;
import io.tlsscope.tracer.ConnectionActivity;
import io.tlsscope.tracer.Tracer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link PeerLookup} over the connections the tracer captured data on (the adapter to the tracer).
 * Works from a snapshot, taken again when a tuple is missing and the snapshot is older than
 * {@link #REFRESH_NANOS}: a peer's first SSL call is counted before the statement it carries can be
 * decoded, so a fresh snapshot has it. Not thread-safe (the rule thread owns it).
 */
final class TracedPeers implements PeerLookup {
    private static final long REFRESH_NANOS = 200_000_000L;

    private final Supplier<List<ConnectionActivity.Connection>> connections;
    private Map<TcpTuple, Peer> byTuple = Map.of();
    private long takenAt = Long.MIN_VALUE;

    TracedPeers(Tracer tracer) {
        this(tracer::connections);
    }

    TracedPeers(Supplier<List<ConnectionActivity.Connection>> connections) {
        this.connections = connections;
    }

    @Override
    public Optional<Peer> owner(TcpTuple tuple) {
        Peer peer = byTuple.get(tuple);
        if (peer == null && System.nanoTime() - takenAt > REFRESH_NANOS) {
            Map<TcpTuple, Peer> fresh = new HashMap<>();
            for (ConnectionActivity.Connection connection : connections.get()) {
                fresh.put(connection.tuple(), new Peer(connection.pid(), connection.comm()));
            }
            byTuple = fresh;
            takenAt = System.nanoTime();
            peer = byTuple.get(tuple);
        }
        return Optional.ofNullable(peer);
    }
}
