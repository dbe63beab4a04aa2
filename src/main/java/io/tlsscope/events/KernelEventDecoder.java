package io.tlsscope.events;

import static io.tlsscope.bpf.abi.KernelAbi.tlsDataOffset;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.EventType;
import io.tlsscope.bpf.abi.FdMethod;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.bpf.abi.SslFunction;
import io.tlsscope.conn.TcpTuple;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Decodes ring-buffer records (layouts in {@link KernelAbi}) into {@link KernelEvent}s. A record
 * that is too short or of an unknown type is rejected with a reason, never thrown.
 */
public final class KernelEventDecoder {
    private static final int PID = (int) tlsDataOffset("pid");
    private static final int TID = (int) tlsDataOffset("tid");
    private static final int FD = (int) tlsDataOffset("fd");
    private static final int TIMESTAMP = (int) tlsDataOffset("timestamp_ns");
    private static final int CALL_START = (int) tlsDataOffset("call_start_ns");
    private static final int SSL = (int) tlsDataOffset("ssl");
    private static final int CGROUP = (int) tlsDataOffset("cgroup_id");
    private static final int LIBRARY = (int) tlsDataOffset("library_id");
    private static final int CALL_BYTES = (int) tlsDataOffset("call_bytes");
    private static final int CHUNK_SEQUENCE = (int) tlsDataOffset("chunk_sequence");
    private static final int CHUNK_LEN = (int) tlsDataOffset("chunk_len");
    private static final int DIRECTION = (int) tlsDataOffset("direction");
    private static final int FD_METHOD = (int) tlsDataOffset("fd_method");
    private static final int FUNCTION = (int) tlsDataOffset("function");
    private static final int FLAGS = (int) tlsDataOffset("flags");
    private static final int COMM = (int) tlsDataOffset("comm");
    private static final int LAYOUT = (int) tlsDataOffset("layout");
    private static final int TUPLE = (int) tlsDataOffset("tuple");
    private static final int TUPLE_SOURCE_PORT = TUPLE + KernelAbi.tupleOffset("source_port");
    private static final int TUPLE_DESTINATION_PORT = TUPLE + KernelAbi.tupleOffset("destination_port");
    private static final int TUPLE_SOURCE_ADDRESS = TUPLE + KernelAbi.tupleOffset("source_address");
    private static final int TUPLE_DESTINATION_ADDRESS = TUPLE + KernelAbi.tupleOffset("destination_address");
    private static final int PROCESS_PID = (int) KernelAbi.PROCESS_EVENT.byteOffset(groupElement("pid"));
    private static final int PROCESS_COMM = (int) KernelAbi.PROCESS_EVENT.byteOffset(groupElement("comm"));
    private static final int HEADER = (int) KernelAbi.TLS_DATA_EVENT.byteSize();
    private static final int PROCESS_RECORD = (int) KernelAbi.PROCESS_EVENT.byteSize();
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private final MonotonicClock clock;

    public KernelEventDecoder(MonotonicClock clock) {
        this.clock = clock;
    }

    /** Result of decoding one record: an event, or the reason it was rejected. */
    public record Decoded(Optional<KernelEvent> event, String rejection) {
        static Decoded of(KernelEvent event) {
            return new Decoded(Optional.of(event), null);
        }

        static Decoded rejected(String reason) {
            return new Decoded(Optional.empty(), reason);
        }
    }

    public Decoded decode(ByteBuffer record) {
        ByteBuffer buffer = record.duplicate().order(ByteOrder.nativeOrder());
        if (buffer.remaining() < Integer.BYTES) {
            return Decoded.rejected("record of " + buffer.remaining() + " bytes has no type");
        }
        EventType type = EventType.fromValue(buffer.getInt(0));
        if (type == null) {
            return Decoded.rejected("unknown record type " + buffer.getInt(0));
        }
        return switch (type) {
            case TLS_DATA -> decodeTlsData(buffer);
            case PROCESS_EXEC -> decodeProcess(buffer, ProcessEvent.Kind.EXEC);
            case PROCESS_EXIT -> decodeProcess(buffer, ProcessEvent.Kind.EXIT);
        };
    }

    private Decoded decodeTlsData(ByteBuffer buffer) {
        if (buffer.remaining() < HEADER) {
            return Decoded.rejected("tls data record of " + buffer.remaining() + " bytes, header is " + HEADER);
        }
        int chunkLength = buffer.getInt(CHUNK_LEN);
        if (chunkLength < 0 || chunkLength > buffer.remaining() - HEADER) {
            return Decoded.rejected("tls data record announces " + chunkLength + " bytes, carries "
                    + (buffer.remaining() - HEADER));
        }
        byte[] data = new byte[chunkLength];
        buffer.get(HEADER, data);
        int flags = Byte.toUnsignedInt(buffer.get(FLAGS));
        int tid = buffer.getInt(TID);
        TcpTuple tuple = (flags & KernelAbi.FLAG_TUPLE_VALID) != 0 ? tuple(buffer) : null;
        return Decoded.of(new TlsDataEvent(
                clock.toInstant(buffer.getLong(TIMESTAMP)),
                tid + ":" + Long.toUnsignedString(buffer.getLong(CALL_START)),
                buffer.getInt(PID),
                tid,
                comm(buffer, COMM),
                Direction.fromValue(buffer.get(DIRECTION)),
                SslFunction.fromValue(buffer.get(FUNCTION)),
                buffer.getInt(LIBRARY),
                buffer.getLong(SSL),
                buffer.getInt(FD),
                FdMethod.fromValue(buffer.get(FD_METHOD)),
                layoutIndex(buffer),
                tuple,
                buffer.getLong(CGROUP),
                buffer.getInt(CALL_BYTES),
                buffer.getInt(CHUNK_SEQUENCE),
                (flags & KernelAbi.FLAG_LAST_CHUNK) != 0,
                (flags & KernelAbi.FLAG_TRUNCATED) != 0,
                data));
    }

    private Decoded decodeProcess(ByteBuffer buffer, ProcessEvent.Kind kind) {
        if (buffer.remaining() < PROCESS_RECORD) {
            return Decoded.rejected("process record of " + buffer.remaining() + " bytes, expected " + PROCESS_RECORD);
        }
        return Decoded.of(new ProcessEvent(kind, buffer.getInt(PROCESS_PID), comm(buffer, PROCESS_COMM)));
    }

    private static int layoutIndex(ByteBuffer buffer) {
        int layout = Byte.toUnsignedInt(buffer.get(LAYOUT));
        return layout == KernelAbi.LAYOUT_NONE ? -1 : layout;
    }

    /** Reads a struct tlsscope_tuple at TUPLE: family, ports in host order, then the addresses. */
    private static TcpTuple tuple(ByteBuffer buffer) {
        int family = Short.toUnsignedInt(buffer.getShort(TUPLE));
        int sourcePort = Short.toUnsignedInt(buffer.getShort(TUPLE_SOURCE_PORT));
        int destinationPort = Short.toUnsignedInt(buffer.getShort(TUPLE_DESTINATION_PORT));
        int addressLength = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
        if (addressLength == 0) {
            return null;
        }
        byte[] source = new byte[addressLength];
        byte[] destination = new byte[addressLength];
        buffer.get(TUPLE_SOURCE_ADDRESS, source);
        buffer.get(TUPLE_DESTINATION_ADDRESS, destination);
        try {
            return new TcpTuple(new InetSocketAddress(InetAddress.getByAddress(source), sourcePort),
                    new InetSocketAddress(InetAddress.getByAddress(destination), destinationPort));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("address of length " + addressLength + " rejected", impossible);
        }
    }

    private static String comm(ByteBuffer buffer, int offset) {
        byte[] bytes = new byte[KernelAbi.COMM_LEN];
        buffer.get(offset, bytes);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(Arrays.copyOf(bytes, end), StandardCharsets.UTF_8);
    }
}
