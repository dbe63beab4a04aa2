package io.tlsscope.events;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.FdMethod;
import io.tlsscope.bpf.abi.SslFunction;
import io.tlsscope.conn.TcpTuple;
import java.time.Instant;

/**
 * One chunk of plaintext captured from one SSL call. A call larger than one ring-buffer record is
 * several events with the same {@link #callId()} and increasing {@link #chunkSequence()}.
 *
 * @param time        wall-clock time of the call's return
 * @param callId      "tid:entry-ns", the same for every chunk of one call
 * @param libraryId   registry id of the library the probe sits on
 * @param layoutIndex kernel layout-table index that found fd (method LAYOUT), else -1
 * @param tuple       TCP 4-tuple of fd, or null when unknown
 * @param callBytes   bytes the call moved; more than the captured bytes when truncated
 */
public record TlsDataEvent(
        Instant time,
        String callId,
        int pid,
        int tid,
        String comm,
        Direction direction,
        SslFunction function,
        int libraryId,
        long ssl,
        int fd,
        FdMethod fdMethod,
        int layoutIndex,
        TcpTuple tuple,
        long cgroupId,
        int callBytes,
        int chunkSequence,
        boolean lastChunk,
        boolean truncated,
        byte[] data) implements KernelEvent, StreamEvent {
}
