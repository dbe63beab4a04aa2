package io.tlsscope.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.conn.TcpTuple;
import io.tlsscope.capture.ConnectionActivity;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The peer of a connection is found from the tracer's connections, taken again only when they may have changed. */
class TracedPeersTest {
    private static final TcpTuple BACKEND = new TcpTuple(new InetSocketAddress("127.0.0.1", 5432), new InetSocketAddress("127.0.0.1", 40000));
    private static final TcpTuple REMOTE = new TcpTuple(new InetSocketAddress("127.0.0.1", 5432), new InetSocketAddress("10.9.9.9", 40001));

    @Test
    void findsATracedPeerAndRemembersRemoteOnes() {
        List<ConnectionActivity.Connection> connections = new ArrayList<>();
        int[] snapshots = {0};
        TracedPeers peers = new TracedPeers(() -> {
            snapshots[0]++;
            return List.copyOf(connections);
        });
        connections.add(new ConnectionActivity.Connection(77, "postgres", 9, BACKEND, 3, 300, Instant.EPOCH));
        long received = System.nanoTime();
        assertThat(peers.owner(BACKEND, received)).contains(new PeerLookup.Peer(77, "postgres"));
        assertThat(snapshots[0]).isEqualTo(1);
        assertThat(peers.owner(REMOTE, received)).as("missing from a snapshot taken after the statement arrived").isEmpty();
        assertThat(snapshots[0]).as("the snapshot was newer than the statement").isEqualTo(1);
        assertThat(peers.owner(REMOTE, System.nanoTime())).isEmpty();
        assertThat(snapshots[0]).as("a remote tuple costs nothing more").isEqualTo(1);

        TcpTuple later = new TcpTuple(new InetSocketAddress("127.0.0.1", 5432), new InetSocketAddress("127.0.0.1", 40002));
        connections.add(new ConnectionActivity.Connection(78, "postgres", 10, later, 1, 100, Instant.EPOCH));
        assertThat(peers.owner(later, System.nanoTime())).as("a connection newer than the snapshot").contains(new PeerLookup.Peer(78, "postgres"));
        assertThat(snapshots[0]).isEqualTo(2);
    }
}
