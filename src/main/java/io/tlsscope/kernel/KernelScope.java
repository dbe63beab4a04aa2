package io.tlsscope.kernel;

import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.BpfObject;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.bpf.abi.StructValue;
import io.tlsscope.discovery.LibraryKey;
import io.tlsscope.scope.ResolvedScope;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes the scope into the kernel's rule maps (scope.h). While the maps change, the mode says so
 * and the kernel decides on each call without caching; new entries go in before stale ones go out,
 * so during a change a process of the old or the new scope is traced. Raising the generation at
 * the end makes every verdict cached before stale at once. Not thread-safe: the session serialises calls.
 */
final class KernelScope {
    private static final byte[] PRESENT = {1};
    private final BpfMap settings;
    private final BpfMap executables;
    private final BpfMap comms;
    private final BpfMap cgroups;
    private final BpfMap uids;
    private int generation;

    KernelScope(BpfObject object) {
        this.settings = object.map("scope_settings");
        this.executables = object.map("scope_executables");
        this.comms = object.map("scope_comms");
        this.cgroups = object.map("scope_cgroups");
        this.uids = object.map("scope_uids");
    }

    void apply(ResolvedScope scope) {
        writeSettings(KernelAbi.SCOPE_CHANGING);
        replace(executables, scope.executables(), KernelScope::fileId);
        replace(comms, scope.comms(), KernelScope::comm);
        replace(cgroups, scope.cgroupIds(), KernelAbi::u64);
        replace(uids, scope.uids(), KernelAbi::u32);
        generation++;
        writeSettings(scope.limited() ? KernelAbi.SCOPE_CHOSEN : KernelAbi.SCOPE_EVERYTHING);
    }

    private void writeSettings(int mode) {
        settings.update(KernelAbi.u32(0), StructValue.of(KernelAbi.SCOPE_SETTINGS)
                .setInt(mode, "mode")
                .setInt(generation, "generation")
                .toBytes(), BpfMap.BPF_ANY);
    }

    private static <T> void replace(BpfMap map, Set<T> wanted, Function<T, byte[]> toKey) {
        List<byte[]> keys = wanted.stream().map(toKey).toList();
        keys.forEach(key -> map.update(key, PRESENT, BpfMap.BPF_ANY));
        Set<ByteBuffer> kept = new HashSet<>();
        keys.forEach(key -> kept.add(ByteBuffer.wrap(key)));
        map.keys().stream().filter(key -> !kept.contains(ByteBuffer.wrap(key))).forEach(map::delete);
    }

    private static byte[] fileId(LibraryKey file) {
        return StructValue.of(KernelAbi.FILE_ID)
                .setLong(file.kernelDeviceNumber(), "device")
                .setLong(file.inode(), "inode")
                .toBytes();
    }

    /** The NUL-padded 16 bytes the kernel keeps of a process name. */
    private static byte[] comm(String name) {
        return Arrays.copyOf(name.getBytes(StandardCharsets.UTF_8), KernelAbi.COMM_LEN);
    }
}
