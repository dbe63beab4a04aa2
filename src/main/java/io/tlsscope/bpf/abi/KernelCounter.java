package io.tlsscope.bpf.abi;

/**
 * enum tlsscope_counter: per-CPU counters of the kernel side, one slot per way data can be lost
 * or degraded. Append-only; the index is the wire value.
 */
public enum KernelCounter {
    CALLS_CAPTURED("kernel.calls.captured", "SSL calls that moved data and were emitted"),
    CALLS_FAILED("kernel.calls.failed", "SSL calls that returned an error or no data (nothing to capture)"),
    RETURN_WITHOUT_ENTRY("kernel.calls.return-without-entry", "returns seen without their entry (probe attached mid-call)"),
    ENTRY_MAP_FULL("kernel.calls.entry-map-full", "SSL calls lost because the entry-state map was full"),
    RINGBUF_DROPS("kernel.ringbuf.drops", "records lost because the ring buffer was full"),
    RINGBUF_DROPPED_BYTES("kernel.ringbuf.dropped-bytes", "plaintext bytes lost because the ring buffer was full"),
    TRUNCATED_CALLS("kernel.truncated.calls", "SSL calls larger than the per-call capture cap"),
    TRUNCATED_BYTES("kernel.truncated.bytes", "bytes beyond the per-call capture cap, not captured"),
    FD_UNRESOLVED("kernel.fd.unresolved", "SSL calls emitted with fd -1 (no method found the socket)"),
    USER_READ_FAILED("kernel.user-read.failed", "chunks lost because the user buffer could not be read"),
    FD_LAYOUT("kernel.fd.layout", "fds found through SSL->rbio->num with the library's layout"),
    FD_NESTED_SYSCALL("kernel.fd.nested-syscall", "fds found from the syscall made inside the SSL call"),
    FD_CACHED("kernel.fd.cached", "fds found from an earlier call on the same SSL object"),
    LAYOUT_REJECTED("kernel.fd.layout-rejected", "calls where the library's detected or forced layout gave no TCP socket of the process"),
    TUPLE_MISSING("kernel.conn.tuple-missing", "fds resolved whose TCP 4-tuple is unknown"),
    CONN_TRACKED("kernel.conn.tracked", "connections learned from connect/accept tracepoints"),
    CONN_FROM_FD_TABLE("kernel.conn.from-fd-table", "connections learned from the fd table of the process"),
    CONN_INSERT_FAILED("kernel.conn.insert-failed", "connections that could not be stored in the connection map"),
    PROCESS_EVENT_DROPS("kernel.process-events.drops", "exec, exit, fork and mapped-library records lost because the ring buffer was full"),
    FD_SET_FD("kernel.fd.set-fd", "fds found from what the process passed to SSL_set_fd/SSL_set_rfd/SSL_set_wfd"),
    FD_MISMATCH("kernel.fd.mismatch", "calls where the struct offsets and the nested syscall named different sockets (OpenSSL: the syscall's was used; Go: the offsets')"),
    FD_GO_CONN("kernel.fd.go-conn", "Go fds found through tls.Conn -> net.Conn -> netFD -> poll.FD.Sysfd"),
    GO_CALLS_FAILED("kernel.go.calls.failed", "Go Read/Write calls that returned n <= 0 or an error (nothing to capture)"),
    GO_ENTRY_MAP_FULL("kernel.go.calls.entry-map-full", "Go calls lost because the entry-state map was full"),
    GO_RETURN_WITHOUT_ENTRY("kernel.go.calls.return-without-entry", "Go returns seen without their entry (attached mid-call)"),
    CONNECTIONS_OPENED("kernel.connections.opened", "connection ids given out (a new SSL object, or one that moved to another socket)"),
    CONNECTION_EVENT_DROPS("kernel.connection-events.drops", "connection-closed records lost because the ring buffer was full (decoder state then ages out)"),
    CONN_STALE("kernel.conn.stale", "connection-map entries whose fd number now names another socket (closed without close(): close_range, dup2, exit), relearned"),
    BUDGETED_CALLS("kernel.budgeted.calls", "response calls cut by the response budget: their head within the budget and their tail were captured"),
    BUDGETED_BYTES("kernel.budgeted.bytes", "response bytes (server to client) skipped by the response budget, by policy (tlsscope.capture.response-budget-bytes)"),
    RECORD_STATE_FAILED("kernel.calls.record-state-failed", "calls lost because the calling thread's record state could not be allocated (copying return probes, tlsscope.tracer.user-memory-reads=copy)"),
    SCOPE_SKIPPED_CALLS("kernel.scope.skipped-calls", "SSL and Go TLS calls of processes outside the scope, left at their entry by policy (tlsscope.scope.*, /api/v1/scope)");

    private final String key;
    private final String description;

    KernelCounter(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** Stable name used in the REST counters and metrics. */
    public String key() {
        return key;
    }

    public String description() {
        return description;
    }

    /** The slot in the per-CPU counters array map. */
    public int index() {
        return ordinal();
    }
}
