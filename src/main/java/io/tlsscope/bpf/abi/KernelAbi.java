package io.tlsscope.bpf.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Java mirror of src/main/bpf/tlsscope.h: the layouts of every record, key and value that crosses
 * the kernel/user boundary. Sizes are checked against the header's {@code _Static_assert}s by
 * KernelAbiTest. Native byte order (x86-64: little endian) throughout.
 */
public final class KernelAbi {
    /** TLSSCOPE_COMM_LEN. */
    public static final int COMM_LEN = 16;
    /** TLSSCOPE_CHUNK_DATA_MAX: data bytes per ring-buffer record. */
    public static final int CHUNK_DATA_MAX = 16384;
    /** TLSSCOPE_MAX_CHUNKS_PER_CALL: bounds the per-call capture cap. */
    public static final int MAX_CHUNKS_PER_CALL = 4096;
    /** TLSSCOPE_MAX_LAYOUTS: slots in the kernel's layout table. */
    public static final int MAX_LAYOUTS = 16;
    /** TLSSCOPE_LAYOUT_NONE: the event's fd was not found through a layout. */
    public static final int LAYOUT_NONE = 255;
    /** TLSSCOPE_LIBRARY_SLOTS: slots of the library_calls map; library id N counts in slot N % LIBRARY_SLOTS. */
    public static final int LIBRARY_SLOTS = 1024;
    /** TLSSCOPE_LAYOUT_FORCED in struct tlsscope_layout_choice flags. */
    public static final int LAYOUT_FORCED = 1;

    /** struct tlsscope_library_calls (40 bytes), one per CPU in each library_calls slot. */
    public static final StructLayout LIBRARY_CALLS = structLayout(
            JAVA_LONG.withName("seen"),
            JAVA_LONG.withName("captured"),
            JAVA_LONG.withName("dropped"),
            JAVA_LONG.withName("read_failed"),
            JAVA_LONG.withName("failed"));

    /** struct tlsscope_tuple (40 bytes). */
    public static final StructLayout TUPLE = structLayout(
            JAVA_SHORT.withName("family"),
            JAVA_SHORT.withName("source_port"),
            JAVA_SHORT.withName("destination_port"),
            JAVA_SHORT.withName("pad"),
            sequenceLayout(16, JAVA_BYTE).withName("source_address"),
            sequenceLayout(16, JAVA_BYTE).withName("destination_address"));

    /** struct tlsscope_tls_data_event header (144 bytes); chunk_len data bytes follow. */
    public static final StructLayout TLS_DATA_EVENT = structLayout(
            JAVA_INT.withName("type"),
            JAVA_INT.withName("pid"),
            JAVA_INT.withName("tid"),
            JAVA_INT.withName("fd"),
            JAVA_LONG.withName("timestamp_ns"),
            JAVA_LONG.withName("call_start_ns"),
            JAVA_LONG.withName("ssl"),
            JAVA_LONG.withName("cgroup_id"),
            JAVA_LONG.withName("connection_id"),
            JAVA_LONG.withName("call_sequence"),
            JAVA_INT.withName("library_id"),
            JAVA_INT.withName("call_bytes"),
            JAVA_INT.withName("chunk_sequence"),
            JAVA_INT.withName("chunk_len"),
            JAVA_BYTE.withName("direction"),
            JAVA_BYTE.withName("fd_method"),
            JAVA_BYTE.withName("function"),
            JAVA_BYTE.withName("flags"),
            sequenceLayout(COMM_LEN, JAVA_BYTE).withName("comm"),
            JAVA_BYTE.withName("layout"),
            paddingLayout(3),
            TUPLE.withName("tuple"));

    /** struct tlsscope_process_event (40 bytes). */
    public static final StructLayout PROCESS_EVENT = structLayout(
            JAVA_INT.withName("type"),
            JAVA_INT.withName("pid"),
            JAVA_LONG.withName("timestamp_ns"),
            sequenceLayout(COMM_LEN, JAVA_BYTE).withName("comm"),
            JAVA_INT.withName("parent_pid"),
            paddingLayout(4));

    /** struct tlsscope_connection_event (24 bytes). */
    public static final StructLayout CONNECTION_EVENT = structLayout(
            JAVA_INT.withName("type"),
            JAVA_INT.withName("pid"),
            JAVA_LONG.withName("connection_id"),
            JAVA_LONG.withName("calls"));

    /** struct tlsscope_conn_key (8 bytes). */
    public static final StructLayout CONN_KEY = structLayout(
            JAVA_INT.withName("tgid"),
            JAVA_INT.withName("fd"));

    /** struct tlsscope_conn (64 bytes). */
    public static final StructLayout CONN = structLayout(
            TUPLE.withName("tuple"),
            JAVA_LONG.withName("learned_ns"),
            JAVA_INT.withName("role"),
            paddingLayout(4),
            JAVA_LONG.withName("socket"));

    /** struct tlsscope_layout (8 bytes). */
    public static final StructLayout LAYOUT = structLayout(
            JAVA_INT.withName("ssl_rbio_offset"),
            JAVA_INT.withName("bio_num_offset"));

    /** struct tlsscope_layout_choice (8 bytes). */
    public static final StructLayout LAYOUT_CHOICE = structLayout(
            JAVA_INT.withName("layout"),
            JAVA_INT.withName("flags"));

    /** struct tlsscope_set_fds (8 bytes); kernel-written only. */
    public static final StructLayout SET_FDS = structLayout(
            JAVA_INT.withName("read_fd"),
            JAVA_INT.withName("write_fd"));

    /** struct tlsscope_go_layout (16 bytes). */
    public static final StructLayout GO_LAYOUT = structLayout(
            JAVA_INT.withName("conn_data_offset"),
            JAVA_INT.withName("tcpconn_fd_offset"),
            JAVA_INT.withName("netfd_sysfd_offset"),
            paddingLayout(4));

    /** struct tlsscope_scope_settings (8 bytes), the one value of the scope_settings map. */
    public static final StructLayout SCOPE_SETTINGS = structLayout(
            JAVA_INT.withName("mode"),
            JAVA_INT.withName("generation"));

    /** enum tlsscope_scope_mode. */
    public static final int SCOPE_EVERYTHING = 0;
    public static final int SCOPE_CHOSEN = 1;
    public static final int SCOPE_CHANGING = 2;

    /** struct tlsscope_file_id (16 bytes): key of the scope_executables map. */
    public static final StructLayout FILE_ID = structLayout(
            JAVA_LONG.withName("device"),
            JAVA_LONG.withName("inode"));

    /** struct tlsscope_config (24 bytes), the whole .rodata section of the object. */
    public static final StructLayout CONFIG = structLayout(
            JAVA_INT.withName("self_tgid"),
            JAVA_INT.withName("max_bytes_per_call"),
            JAVA_INT.withName("layout_count"),
            JAVA_INT.withName("response_budget"),
            JAVA_INT.withName("response_tail"),
            paddingLayout(4));

    /** enum tlsscope_event_flags. */
    public static final int FLAG_LAST_CHUNK = 1;
    public static final int FLAG_TRUNCATED = 2;
    public static final int FLAG_TUPLE_VALID = 4;
    /** The record holds the call's last bytes; those between the head records and it were skipped by the response budget. */
    public static final int FLAG_TAIL = 8;

    /** Byte offset of a field of {@link #TLS_DATA_EVENT}, e.g. {@code offset("tuple")}. */
    public static long tlsDataOffset(String field) {
        return TLS_DATA_EVENT.byteOffset(groupElement(field));
    }

    /** Byte offset of a field of {@link #TUPLE} within the tuple. */
    public static int tupleOffset(String field) {
        return (int) TUPLE.byteOffset(groupElement(field));
    }

    /** A __u32 / __s32 map key or array index, in native byte order. */
    public static byte[] u32(int value) {
        return MemorySegment.ofArray(new int[] {value}).toArray(JAVA_BYTE);
    }

    /** A __u64 map key, in native byte order. */
    public static byte[] u64(long value) {
        return MemorySegment.ofArray(new long[] {value}).toArray(JAVA_BYTE);
    }

    private KernelAbi() {
    }
}
