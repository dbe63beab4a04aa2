package io.tlsscope.capture;

import static io.tlsscope.bpf.abi.KernelAbi.tlsDataOffset;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.EventType;
import io.tlsscope.bpf.abi.FdMethod;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.bpf.abi.SslFunction;
import io.tlsscope.conn.TcpTuple;
import io.tlsscope.events.LibraryRef;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.openssl.OpenSslLayout;
import io.tlsscope.openssl.OpenSslLayouts;
import io.tlsscope.process.ContainerIds;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntFunction;

/**
 * Decodes ring-buffer records (layouts in {@link KernelAbi}) into events, naming what the kernel
 * gives as numbers (library id, layout index, cgroup) so that nothing downstream looks it up again.
 * A record that is too short or of an unknown type is rejected with a reason, never thrown.
 * Called on the ring-buffer thread only.
 */
public final class KernelEventDecoder {
    private static final int PID = (int) tlsDataOffset("pid");
    private static final int TID = (int) tlsDataOffset("tid");
    private static final int FD = (int) tlsDataOffset("fd");
    private static final int TIMESTAMP = (int) tlsDataOffset("timestamp_ns");
    private static final int CALL_START = (int) tlsDataOffset("call_start_ns");
    private static final int SSL = (int) tlsDataOffset("ssl");
    private static final int CONNECTION_ID = (int) tlsDataOffset("connection_id");
    private static final int CALL_SEQUENCE = (int) tlsDataOffset("call_sequence");
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
    private static final int PROCESS_PID = (int) KernelAbi.PROCESS_EVENT.byteOffset(groupElement("pid"));
    private static final int PROCESS_COMM = (int) KernelAbi.PROCESS_EVENT.byteOffset(groupElement("comm"));
    private static final int PROCESS_PARENT = (int) KernelAbi.PROCESS_EVENT.byteOffset(groupElement("parent_pid"));
    private static final int HEADER = (int) KernelAbi.TLS_DATA_EVENT.byteSize();
    private static final int CLOSED_PID = (int) KernelAbi.CONNECTION_EVENT.byteOffset(groupElement("pid"));
    private static final int CLOSED_ID = (int) KernelAbi.CONNECTION_EVENT.byteOffset(groupElement("connection_id"));
    private static final int CLOSED_RECORD = (int) KernelAbi.CONNECTION_EVENT.byteSize();
    private static final int PROCESS_RECORD = (int) KernelAbi.PROCESS_EVENT.byteSize();

    private final MonotonicClock clock;
    private final IntFunction<LibraryRef> libraries;
    private final ContainerIds containers;
    private final CommNames commNames = new CommNames();
    private final TcpTuples tuples = new TcpTuples();

    /**
     * @param libraries the inode behind a library id (the probe's attach cookie)
     * @param containers the container of a process's cgroup
     */
    public KernelEventDecoder(MonotonicClock clock, IntFunction<LibraryRef> libraries, ContainerIds containers) {
        this.clock = clock;
        this.libraries = libraries;
        this.containers = containers;
    }

    /** Result of decoding one record. */
    public sealed interface Decoded permits Data, Process, ConnectionClosed, Rejected {
    }

    /** A connection id ended (SSL_free, or its SSL object moved to another socket). */
    public record ConnectionClosed(int pid, long connectionId) implements Decoded {
    }

    /** Captured plaintext. */
    public record Data(TlsDataEvent event) implements Decoded {
    }

    /** An exec or exit. */
    public record Process(ProcessEvent event) implements Decoded {
    }

    /** Not decodable; the reason says why. */
    public record Rejected(String reason) implements Decoded {
    }

    /** Decodes one record; never throws. */
    public Decoded decode(ByteBuffer record) {
        // read with absolute getters only, so a record already in native order (the ring-buffer reader's) is read as it is
        ByteBuffer buffer = record.order() == ByteOrder.nativeOrder() ? record : record.duplicate().order(ByteOrder.nativeOrder());
        if (buffer.remaining() < Integer.BYTES) {
            return new Rejected("record of " + buffer.remaining() + " bytes has no type");
        }
        EventType type = EventType.fromValue(buffer.getInt(0));
        if (type == null) {
            return new Rejected("unknown record type " + buffer.getInt(0));
        }
        return switch (type) {
            case TLS_DATA -> decodeTlsData(buffer);
            case PROCESS_EXEC -> decodeProcess(buffer, ProcessEvent.Kind.EXEC);
            case PROCESS_EXIT -> decodeProcess(buffer, ProcessEvent.Kind.EXIT);
            case PROCESS_FORK -> decodeProcess(buffer, ProcessEvent.Kind.FORK);
            case TLS_LIBRARY_MAPPED -> decodeProcess(buffer, ProcessEvent.Kind.TLS_LIBRARY_MAPPED);
            case CONNECTION_CLOSED -> buffer.remaining() < CLOSED_RECORD
                    ? new Rejected("connection record of " + buffer.remaining() + " bytes, expected " + CLOSED_RECORD)
                    : new ConnectionClosed(buffer.getInt(CLOSED_PID), buffer.getLong(CLOSED_ID));
        };
    }

    private Decoded decodeTlsData(ByteBuffer buffer) {
        if (buffer.remaining() < HEADER) {
            return new Rejected("tls data record of " + buffer.remaining() + " bytes, header is " + HEADER);
        }
        int chunkLength = buffer.getInt(CHUNK_LEN);
        if (chunkLength < 0 || chunkLength > buffer.remaining() - HEADER) {
            return new Rejected("tls data record announces " + chunkLength + " bytes, carries "
                    + (buffer.remaining() - HEADER));
        }
        byte[] data = new byte[chunkLength];
        buffer.get(HEADER, data);
        int flags = Byte.toUnsignedInt(buffer.get(FLAGS));
        int pid = buffer.getInt(PID);
        int tid = buffer.getInt(TID);
        long cgroup = buffer.getLong(CGROUP);
        TcpTuple tuple = (flags & KernelAbi.FLAG_TUPLE_VALID) != 0 ? tuples.at(buffer, TUPLE) : null;
        return new Data(new TlsDataEvent(
                clock.toInstant(buffer.getLong(TIMESTAMP)),
                tid + ":" + Long.toUnsignedString(buffer.getLong(CALL_START)),
                pid,
                tid,
                commNames.at(buffer, COMM),
                Direction.fromValue(buffer.get(DIRECTION)),
                SslFunction.fromValue(buffer.get(FUNCTION)),
                libraries.apply(buffer.getInt(LIBRARY)),
                buffer.getLong(SSL),
                buffer.getLong(CONNECTION_ID),
                buffer.getLong(CALL_SEQUENCE),
                buffer.getInt(FD),
                FdMethod.fromValue(buffer.get(FD_METHOD)),
                layoutName(buffer),
                tuple,
                cgroup,
                containers.of(pid, cgroup).orElse(null),
                buffer.getInt(CALL_BYTES),
                buffer.getInt(CHUNK_SEQUENCE),
                (flags & KernelAbi.FLAG_LAST_CHUNK) != 0,
                (flags & KernelAbi.FLAG_TRUNCATED) != 0,
                (flags & KernelAbi.FLAG_TAIL) != 0,
                data));
    }

    private Decoded decodeProcess(ByteBuffer buffer, ProcessEvent.Kind kind) {
        if (buffer.remaining() < PROCESS_RECORD) {
            return new Rejected("process record of " + buffer.remaining() + " bytes, expected " + PROCESS_RECORD);
        }
        return new Process(new ProcessEvent(kind, buffer.getInt(PROCESS_PID), buffer.getInt(PROCESS_PARENT), commNames.at(buffer, PROCESS_COMM)));
    }

    /** The layout-table index the kernel used, as the layout's name. */
    private static String layoutName(ByteBuffer buffer) {
        int layout = Byte.toUnsignedInt(buffer.get(LAYOUT));
        return layout == KernelAbi.LAYOUT_NONE ? null
                : OpenSslLayouts.builtIn().atIndex(layout).map(OpenSslLayout::name).orElse(null);
    }
}
