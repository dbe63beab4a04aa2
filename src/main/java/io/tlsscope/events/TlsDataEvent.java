package io.tlsscope.events;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.FdMethod;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.bpf.abi.SslFunction;
import io.tlsscope.conn.TcpTuple;
import java.time.Instant;

/**
 * One chunk of plaintext captured from one SSL call, with everything a consumer needs to show it
 * (library inode, layout name, container): nothing downstream has to look anything up. A call
 * larger than one ring-buffer record is several events with the same {@link #callId()} and
 * increasing {@link #chunkSequence()}. Its bytes are final once published: credentials were
 * blanked before.
 *
 * @param time        wall-clock time of the call's return
 * @param callId      "tid:entry-ns", the same for every chunk of one call
 * @param connectionId  the connection, never reused (a freed SSL object's address carries a new one); 0 when
 *                      the kernel could not keep one: identity unknown
 * @param callSequence  the call's number on its connection (1, 2, ...): a jump means calls were lost
 * @param layout      name of the struct layout that found fd (method LAYOUT), else null
 * @param tuple       TCP 4-tuple of fd, or null when unknown
 * @param containerId the container the process runs in, from its cgroup; null outside containers
 * @param callBytes   bytes the call moved; more than the captured bytes when truncated or budgeted
 * @param tail        the chunk holds the call's last bytes: those between the earlier chunks and it were
 *                    skipped by the response budget (a large server response)
 */
public record TlsDataEvent(
        Instant time,
        String callId,
        int pid,
        int tid,
        String comm,
        Direction direction,
        SslFunction function,
        LibraryRef library,
        long ssl,
        long connectionId,
        long callSequence,
        int fd,
        FdMethod fdMethod,
        String layout,
        TcpTuple tuple,
        long cgroupId,
        String containerId,
        int callBytes,
        int chunkSequence,
        boolean lastChunk,
        boolean truncated,
        boolean tail,
        byte[] data) implements StreamEvent {

    /** Where this chunk's bytes begin in the call's bytes. */
    public long dataOffset() {
        return tail ? callBytes - data.length : (long) chunkSequence * KernelAbi.CHUNK_DATA_MAX;
    }

    /** Where this chunk's bytes end in the call's bytes. */
    public long capturedThrough() {
        return dataOffset() + data.length;
    }
}
