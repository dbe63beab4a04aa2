package io.tlsscope.testsupport;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.FdMethod;
import io.tlsscope.bpf.abi.SslFunction;
import io.tlsscope.events.LibraryRef;
import io.tlsscope.events.TlsDataEvent;
import java.time.Instant;

/** Captured-chunk events for tests that feed the pipeline's later stages without a kernel. */
public final class TestEvents {
    private TestEvents() {
    }

    /**
     * One whole SSL call of pid on the SSL object ssl, as the kernel would report it (fd 3, found by
     * layout); the connection id is the SSL address, and calls are not numbered.
     */
    public static TlsDataEvent call(int pid, long ssl, Direction direction, byte[] data) {
        return chunk(pid, ssl, direction, data, 0, true);
    }

    /** One chunk of a call. */
    public static TlsDataEvent chunk(int pid, long ssl, Direction direction, byte[] data, int chunkSequence, boolean lastChunk) {
        return numbered(pid, ssl, 0, direction, data, chunkSequence, lastChunk);
    }

    /** One chunk of a call on connection id connection, with the call's number (0: not numbered). */
    public static TlsDataEvent numbered(int pid, long connection, long callSequence, Direction direction, byte[] data,
                                        int chunkSequence, boolean lastChunk) {
        return new TlsDataEvent(Instant.EPOCH, pid + ":1", pid, pid, "test", direction,
                direction == Direction.WRITE ? SslFunction.SSL_WRITE : SslFunction.SSL_READ, new LibraryRef(1, "fe:00", 1L), connection,
                connection, callSequence, 3, FdMethod.LAYOUT, null, null, 0, null, data.length, chunkSequence, lastChunk, false, false, data);
    }
}
