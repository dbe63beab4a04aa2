package io.tlsscope.alerts.blindspot;

import io.tlsscope.alerts.Severity;
import io.tlsscope.capture.ConnectionActivity;
import io.tlsscope.discovery.LibraryKind;
import io.tlsscope.discovery.LibrarySnapshot;
import io.tlsscope.openssl.LayoutChoice;
import io.tlsscope.tracer.LibraryStatus;
import io.tlsscope.tracer.TracerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Looks at the capture once per interval and says where it is blind, from what changed since the
 * previous look: drops that began (ring buffer, decoder, rules, SSE clients, webhooks), calls that
 * mostly found no socket or whose struct layout was rejected, libraries that could not be attached,
 * Go executables with their hooks off, the kernel side down, and database ports that carry TLS
 * while no statement is decoded from them. Not thread-safe (the monitor's thread owns it).
 */
final class BlindSpotChecks {
    /** Counters whose growth is a blind spot, with the cause and what it means. */
    private record DropCounter(String counter, String cause, Severity severity, String meaning) {
    }

    private static final List<DropCounter> DROPS = List.of(
            new DropCounter("kernel.ringbuf.drops", "ringbuf-drops", Severity.HIGH,
                    "records lost because the kernel ring buffer was full: the capture runs faster than it is read (tlsscope.tracer.ring-buffer-bytes)"),
            new DropCounter("kernel.process-events.drops", "process-event-drops", Severity.HIGH,
                    "exec/exit records lost because the ring buffer was full: new processes may go untraced"),
            new DropCounter("events.decode-failures", "record-decode-failures", Severity.MEDIUM, "ring-buffer records that could not be decoded"),
            new DropCounter("rules.drops", "rules-drops", Severity.HIGH, "statements the rule thread could not take in time: they were not judged"),
            new DropCounter("sse.client-drops", "sse-client-drops", Severity.MEDIUM, "events SSE clients lost because they read too slowly"),
            new DropCounter("webhook.dropped", "webhook-drops", Severity.HIGH, "alerts dropped because a webhook's queue was full"),
            new DropCounter("webhook.failed", "webhook-failures", Severity.HIGH, "alerts a webhook did not take after every attempt"));

    private final Set<Integer> databasePorts;
    private final double unresolvedShare;
    private final long minimumCalls;
    private Map<String, Long> previous;
    private Map<ConnectionKey, Long> previousCalls = Map.of();
    /** Per database port: calls captured since a statement was last decoded on it. */
    private final Map<Integer, Long> undecodedCalls = new HashMap<>();
    private final Map<Integer, Long> decodedBefore = new HashMap<>();
    private final Map<Integer, Instant> lastActive = new HashMap<>();
    private final Duration silence;

    private record ConnectionKey(int pid, io.tlsscope.conn.TcpTuple tuple) {
    }

    BlindSpotChecks(Set<Integer> databasePorts, Duration silence, double unresolvedShare, long minimumCalls) {
        this.databasePorts = new HashSet<>(databasePorts);
        this.silence = silence;
        this.unresolvedShare = unresolvedShare;
        this.minimumCalls = minimumCalls;
    }

    List<Finding> look(CaptureView capture, DecodedPorts decoded, String interval, Instant now) {
        Map<String, Long> counters = capture.counters();
        List<Finding> findings = new ArrayList<>();
        TracerState state = capture.tracerState();
        if (state.status() == TracerState.Status.DOWN) {
            findings.add(new Finding("tracer-down", "", Severity.CRITICAL, "tracer.start-failures",
                    "the BPF side is down, nothing is captured: " + state.reason()));
        }
        if (previous != null) {
            for (DropCounter drop : DROPS) {
                long grown = delta(counters, drop.counter());
                if (grown > 0) {
                    findings.add(new Finding(drop.cause(), "", drop.severity(), drop.counter(),
                            grown + " in the last " + interval + " (" + drop.counter() + "): " + drop.meaning()));
                }
            }
            long calls = delta(counters, "kernel.calls.captured");
            if (calls >= minimumCalls) {
                share(findings, counters, calls, "kernel.fd.unresolved", "fd-unresolved",
                        "SSL calls found no socket (fdMethod none): their data has no connection and cannot be decoded");
                share(findings, counters, calls, "kernel.fd.layout-rejected", "layout-rejected",
                        "SSL calls where the library's struct layout named no socket of the process" + forcedLayouts(capture.libraries()));
            }
        }
        for (LibraryStatus status : capture.libraries()) {
            LibrarySnapshot library = status.library();
            long inode = library.key().inode();
            if (library.attachError() != null) {
                findings.add(new Finding("attach-failed", "inode " + inode, Severity.HIGH, "libraries.attach-failures",
                        "library " + library.paths() + " (inode " + inode + ") could not be attached, its processes "
                                + library.pids() + " are not traced: " + library.attachError()));
            }
            if (library.kind() == LibraryKind.GO && !library.hooksEnabled() && !library.pids().isEmpty()) {
                findings.add(new Finding("go-hooks-off", "inode " + inode, Severity.HIGH, "hooks.go",
                        "Go hooks are off for " + library.paths() + " (inode " + inode + "), which talks TLS in processes "
                                + library.pids() + ": their traffic is not captured (PUT /api/v1/hooks/go/" + inode + ")"));
            }
        }
        silentDatabasePorts(capture.connections(), decoded, counters, findings, now);
        previous = counters;
        return findings;
    }

    private void share(List<Finding> findings, Map<String, Long> counters, long calls, String counter, String cause, String meaning) {
        long grown = delta(counters, counter);
        if (grown > unresolvedShare * calls) {
            findings.add(new Finding(cause, "", Severity.HIGH, counter,
                    grown + " of " + calls + " captured calls (" + counter + "): " + meaning));
        }
    }

    private static String forcedLayouts(List<LibraryStatus> libraries) {
        List<String> forced = libraries.stream().filter(status -> status.layout() != null && status.layout().source() == LayoutChoice.Source.FORCED)
                .map(status -> "inode " + status.library().key().inode() + " forced to " + status.layout().layoutName()).toList();
        return forced.isEmpty() ? "" : "; forced layouts: " + String.join(", ", forced) + " (DELETE /api/v1/libraries/{inode}/layout)";
    }

    /**
     * Database ports whose connections carried at least minimumCalls SSL calls while no statement
     * was decoded on them, with no pause longer than the silence window (a login alone is fewer
     * calls): desynchronised streams, or a protocol the decoder does not know.
     */
    private void silentDatabasePorts(List<ConnectionActivity.Connection> connections, DecodedPorts decoded, Map<String, Long> counters,
                                     List<Finding> findings, Instant now) {
        Map<ConnectionKey, Long> calls = new HashMap<>();
        Map<Integer, Long> grownByPort = new HashMap<>();
        Map<Integer, Set<String>> processesByPort = new HashMap<>();
        for (ConnectionActivity.Connection connection : connections) {
            ConnectionKey key = new ConnectionKey(connection.pid(), connection.tuple());
            calls.put(key, connection.calls());
            int port = serverPort(connection, decoded);
            if (port < 0) {
                continue;
            }
            long grown = connection.calls() - previousCalls.getOrDefault(key, 0L);
            if (grown > 0) {
                grownByPort.merge(port, grown, Long::sum);
                processesByPort.computeIfAbsent(port, ignored -> new java.util.TreeSet<>()).add(connection.pid() + "/" + connection.comm());
            }
        }
        previousCalls = calls;
        for (Map.Entry<Integer, Long> port : grownByPort.entrySet()) {
            lastActive.put(port.getKey(), now);
            long statements = decoded.statements(port.getKey());
            if (statements != decodedBefore.getOrDefault(port.getKey(), 0L)) {
                undecodedCalls.remove(port.getKey());
            } else {
                undecodedCalls.merge(port.getKey(), port.getValue(), Long::sum);
            }
            decodedBefore.put(port.getKey(), statements);
        }
        // a port quiet for the silence window starts counting afresh: a few idle logins an hour apart are not a blind spot
        undecodedCalls.keySet().removeIf(port -> lastActive.getOrDefault(port, now).isBefore(now.minus(silence)));
        for (Map.Entry<Integer, Long> port : undecodedCalls.entrySet()) {
            if (port.getValue() >= minimumCalls && grownByPort.containsKey(port.getKey())) {
                String why = delta(counters, "decoder.desyncs") > 0 ? "decoder.desyncs"
                        : delta(counters, "decoder.unrecognised-connections") > 0 || decoded.statements(port.getKey()) == 0
                        ? "decoder.unrecognised-connections" : "decoder.queries";
                findings.add(new Finding("silent-database-port", "port " + port.getKey(), Severity.HIGH, why,
                        "database port " + port.getKey() + " carried " + port.getValue() + " SSL calls (processes "
                                + processesByPort.getOrDefault(port.getKey(), Set.of()) + ") but no statement was decoded from them"
                                + " (" + why + "): a desynchronised stream or a protocol the decoder does not know"));
            }
        }
    }

    /** The server port of a connection when one end is a database port, else -1. */
    private int serverPort(ConnectionActivity.Connection connection, DecodedPorts decoded) {
        int local = connection.tuple().source().getPort();
        int remote = connection.tuple().destination().getPort();
        if (databasePorts.contains(local) || decoded.known(local)) {
            return local;
        }
        return databasePorts.contains(remote) || decoded.known(remote) ? remote : -1;
    }

    private long delta(Map<String, Long> counters, String name) {
        return counters.getOrDefault(name, 0L) - (previous == null ? 0L : previous.getOrDefault(name, 0L));
    }
}
