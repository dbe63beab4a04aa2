package io.tlsscope.testsupport;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.EventType;
import io.tlsscope.bpf.abi.FdMethod;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.bpf.abi.SslFunction;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Ring-buffer records as the kernel writes them (struct tlsscope_tls_data_event, laid out by
 * {@link KernelAbi#TLS_DATA_EVENT}), for feeding the capture pipeline without a kernel: one whole
 * SSL call per record, its socket found by layout, its 4-tuple valid.
 */
public final class RingBufferRecords {
    private static final int HEADER = (int) KernelAbi.TLS_DATA_EVENT.byteSize();
    private static final int TUPLE = (int) KernelAbi.tlsDataOffset("tuple");
    private static final int CALL_SEQUENCE = (int) KernelAbi.tlsDataOffset("call_sequence");
    private static final int TIMESTAMP = (int) KernelAbi.tlsDataOffset("timestamp_ns");
    private static final int CALL_START = (int) KernelAbi.tlsDataOffset("call_start_ns");
    private static final int AF_INET = 2;

    private RingBufferRecords() {
    }

    /** Where the calls of one connection come from. */
    public record Connection(int pid, int tid, String comm, long ssl, long connectionId, int fd, InetSocketAddress source,
                             InetSocketAddress destination) {
    }

    /** One SSL call of the connection, in a direct buffer like the ring buffer's memory. */
    public static ByteBuffer call(Connection connection, Direction direction, long callSequence, byte[] data) {
        if (data.length > KernelAbi.CHUNK_DATA_MAX) {
            throw new IllegalArgumentException("a record carries at most " + KernelAbi.CHUNK_DATA_MAX + " bytes, not " + data.length);
        }
        ByteBuffer record = ByteBuffer.allocateDirect(HEADER + data.length).order(ByteOrder.nativeOrder());
        putInt(record, "type", EventType.TLS_DATA.value());
        putInt(record, "pid", connection.pid());
        putInt(record, "tid", connection.tid());
        putInt(record, "fd", connection.fd());
        record.putLong((int) KernelAbi.tlsDataOffset("ssl"), connection.ssl());
        record.putLong((int) KernelAbi.tlsDataOffset("connection_id"), connection.connectionId());
        record.putLong(CALL_SEQUENCE, callSequence);
        putInt(record, "library_id", 1);
        putInt(record, "call_bytes", data.length);
        putInt(record, "chunk_sequence", 0);
        putInt(record, "chunk_len", data.length);
        putByte(record, "direction", wireValue(Direction::fromValue, direction));
        putByte(record, "fd_method", wireValue(FdMethod::fromValue, FdMethod.LAYOUT));
        putByte(record, "function", wireValue(SslFunction::fromValue,
                direction == Direction.WRITE ? SslFunction.SSL_WRITE : SslFunction.SSL_READ));
        putByte(record, "flags", KernelAbi.FLAG_LAST_CHUNK | KernelAbi.FLAG_TUPLE_VALID);
        byte[] comm = connection.comm().getBytes(StandardCharsets.UTF_8);
        record.put((int) KernelAbi.tlsDataOffset("comm"), comm, 0, Math.min(comm.length, KernelAbi.COMM_LEN - 1));
        putByte(record, "layout", KernelAbi.LAYOUT_NONE);
        record.putShort(TUPLE, (short) AF_INET);
        record.putShort(TUPLE + KernelAbi.tupleOffset("source_port"), (short) connection.source().getPort());
        record.putShort(TUPLE + KernelAbi.tupleOffset("destination_port"), (short) connection.destination().getPort());
        record.put(TUPLE + KernelAbi.tupleOffset("source_address"), connection.source().getAddress().getAddress());
        record.put(TUPLE + KernelAbi.tupleOffset("destination_address"), connection.destination().getAddress().getAddress());
        record.put(HEADER, data);
        stamp(record, callSequence, System.nanoTime());
        return record;
    }

    /** Gives a record a new call number and time, as the kernel would for the next call. */
    public static void stamp(ByteBuffer record, long callSequence, long monotonicNanos) {
        record.putLong(CALL_SEQUENCE, callSequence);
        record.putLong(TIMESTAMP, monotonicNanos);
        record.putLong(CALL_START, monotonicNanos - 20_000);
    }

    /** The byte the kernel writes for a constant: the one the decoder's own mapping turns into it. */
    private static <E> int wireValue(IntFunction<E> fromValue, E constant) {
        for (int value = 0; value < 256; value++) {
            try {
                if (fromValue.apply(value) == constant) {
                    return value;
                }
            } catch (IllegalArgumentException unknown) {
                // not a value of this enum
            }
        }
        throw new IllegalArgumentException("no wire value for " + constant);
    }

    private static void putInt(ByteBuffer record, String field, int value) {
        record.putInt((int) KernelAbi.tlsDataOffset(field), value);
    }

    private static void putByte(ByteBuffer record, String field, int value) {
        record.put((int) KernelAbi.tlsDataOffset(field), (byte) value);
    }
}
