package io.tlsscope.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libbpf.so.1 (and two libc) functions tlsscope calls: one static final MethodHandle each,
 * called with invokeExact. Handles that report failure through errno capture it with
 * {@code Linker.Option.captureCallState("errno")}: their first argument is the capture segment.
 * Loaded on first use; {@link LibbpfRuntime#ensureAvailable()} turns a missing library into a
 * readable error before anything else touches this class.
 */
final class Libbpf {
    /**
     * The release bundle's launcher names its own copy by path (-Dio.tlsscope.libbpf=..., outside
     * the "tlsscope." namespace, where Quarkus refuses unknown keys), so a host needs no libbpf
     * package; otherwise the dynamic loader finds the system's libbpf.so.1.
     */
    static final String LIBRARY = System.getProperty("io.tlsscope.libbpf", "libbpf.so.1");

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final SymbolLookup LIBBPF = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    // objects
    static final MethodHandle OBJECT_OPEN_MEM = errnoCall("bpf_object__open_mem", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    static final MethodHandle OBJECT_LOAD = call("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle OBJECT_CLOSE = call("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle OBJECT_FIND_PROGRAM = call("bpf_object__find_program_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle OBJECT_FIND_MAP = call("bpf_object__find_map_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle OBJECT_NEXT_MAP = call("bpf_object__next_map", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    // maps (object side)
    static final MethodHandle MAP_NAME = call("bpf_map__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle MAP_FD = call("bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_KEY_SIZE = call("bpf_map__key_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_VALUE_SIZE = call("bpf_map__value_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_SET_MAX_ENTRIES = call("bpf_map__set_max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle MAP_SET_INITIAL_VALUE = call("bpf_map__set_initial_value", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    // maps (kernel side, by fd)
    static final MethodHandle MAP_UPDATE = call("bpf_map_update_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    static final MethodHandle MAP_LOOKUP = call("bpf_map_lookup_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle MAP_DELETE = call("bpf_map_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle MAP_NEXT_KEY = call("bpf_map_get_next_key", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    // programs and links
    static final MethodHandle PROGRAM_SET_AUTOLOAD = call("bpf_program__set_autoload", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
    static final MethodHandle ATTACH_UPROBE = errnoCall("bpf_program__attach_uprobe_opts",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
    static final MethodHandle ATTACH_TRACE = errnoCall("bpf_program__attach_trace", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle LINK_DESTROY = call("bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // ring buffer
    static final MethodHandle RING_BUFFER_NEW = errnoCall("ring_buffer__new", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle RING_BUFFER_POLL = call("ring_buffer__poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle RING_BUFFER_CONSUME = call("ring_buffer__consume", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle RING_BUFFER_FREE = call("ring_buffer__free", FunctionDescriptor.ofVoid(ADDRESS));
    // misc
    static final MethodHandle NUM_POSSIBLE_CPUS = call("libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle SET_PRINT = call("libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle STRERROR = call("libbpf_strerror", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle VSNPRINTF = LINKER.downcallHandle(
            LIBC.find("vsnprintf").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

    /** struct bpf_uprobe_opts of libbpf 1.1: sz, ref_ctr_offset, bpf_cookie, retprobe, func_name. */
    static final StructLayout UPROBE_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            JAVA_LONG.withName("ref_ctr_offset"),
            JAVA_LONG.withName("bpf_cookie"),
            JAVA_BYTE.withName("retprobe"), // C bool: one byte on x86-64
            MemoryLayout.paddingLayout(7),
            ADDRESS.withName("func_name"));

    /** struct bpf_object_open_opts, only as far as object_name (libbpf accepts a shorter sz). */
    static final StructLayout OPEN_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            ADDRESS.withName("object_name"));

    private Libbpf() {
    }

    private static MethodHandle call(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO);
    }

    private static MemorySegment symbol(String name) {
        return LIBBPF.find(name).orElseThrow(() -> new UnsatisfiedLinkError(LIBRARY + " has no symbol " + name));
    }

    /** For the catch of an invokeExact: unchecked throwables pass through, checked ones are wrapped. */
    static RuntimeException rethrow(String operation, Throwable thrown) {
        if (thrown instanceof RuntimeException runtime) {
            return runtime;
        }
        if (thrown instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(operation + ": " + thrown, thrown);
    }

    static int errno(MemorySegment captureState) {
        return (int) ERRNO.get(captureState, 0L);
    }

    /** libbpf's own text for an error code (positive errno or libbpf-specific). */
    static String describe(int error) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(256);
            int ignored = (int) STRERROR.invokeExact(error, buffer, buffer.byteSize());
            return buffer.getString(0);
        } catch (Throwable e) {
            return "error " + error;
        }
    }
}
