package io.tlsscope.rules;

import io.tlsscope.conn.TcpTuple;
import java.util.Optional;

/** The traced process at the other end of a connection on this host, if any. */
public interface PeerLookup {
    /** A traced process and the name it runs under. */
    record Peer(int pid, String comm) {
    }

    /**
     * The process whose socket has the given tuple as its own (source = its end), when it is traced
     * on this host and had moved data on it by the time given (System.nanoTime).
     */
    Optional<Peer> owner(TcpTuple tuple, long byNanos);
}
