package io.tlsscope.rules;

import io.tlsscope.alerts.ProcessInfo;
import io.tlsscope.conn.TcpTuple;
import io.tlsscope.protocol.QueryEvent;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Both ends of a statement's connection. A query event carries the traced process (pid, comm,
 * 4-tuple) and whether it is the client or the server; the other end is known only when it runs on
 * this host and is traced too (its socket has the reversed 4-tuple). When both ends are traced each
 * statement is decoded twice, once from each side: only the server side's event is judged, with the
 * client's process filled in, so a statement counts once. Not thread-safe (the rule thread owns it).
 */
final class ConnectionEnds {
    private final PeerLookup peers;
    private final ProcessDetails details;

    ConnectionEnds(PeerLookup peers, Path proc) {
        this.peers = peers;
        this.details = new ProcessDetails(proc);
    }

    /**
     * Both ends with the traced one's container; empty when this event duplicates the server side's.
     *
     * @param receivedNanos when the rule thread took the event (System.nanoTime)
     */
    Optional<Ends> of(QueryEvent query, long receivedNanos) {
        int pid = query.connection().pid();
        ProcessDetails.Details traced = details.of(pid, query.connection().comm());
        ProcessInfo tracedProcess = new ProcessInfo(pid, query.connection().comm(), traced.exe());
        TcpTuple tuple = query.connection().tuple();
        Optional<PeerLookup.Peer> peer = tuple == null ? Optional.empty()
                : peers.owner(new TcpTuple(tuple.destination(), tuple.source()), receivedNanos).filter(other -> other.pid() != pid);
        boolean client = "client".equals(query.side());
        if (client && peer.isPresent()) {
            return Optional.empty(); // the server is traced as well: its event is the one judged
        }
        ProcessInfo other = peer.map(found -> new ProcessInfo(found.pid(), found.comm(), details.of(found.pid(), found.comm()).exe()))
                .orElse(ProcessInfo.UNKNOWN);
        return Optional.of(client ? new Ends(tracedProcess, other, traced.container())
                : new Ends(other, tracedProcess, traced.container()));
    }

    record Ends(ProcessInfo client, ProcessInfo server, String container) {
    }
}
