package io.tlsscope.kernel;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.LibbpfRuntime;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.discovery.LibraryAttacher;
import io.tlsscope.discovery.LibraryMapping;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-library call outcomes from the kernel's library_calls map. The map has
 * {@link KernelAbi#LIBRARY_SLOTS} slots and library ids (never reused) are folded into them, so a
 * slot may hold counts of a library attached earlier: what a slot held when a library was attached
 * is its baseline, read before its first probe goes live, and subtracted. Two attached libraries in
 * one slot (ids 1024 apart, both still used) are said to share it.
 *
 * <p>As a {@link LibraryAttacher} it wraps the attacher that places the probes. Thread-safe: attach
 * runs on the discovery thread, readers are request threads.
 */
final class LibraryCallAccounting implements LibraryAttacher {
    private static final long SEEN = offset("seen");
    private static final long CAPTURED = offset("captured");
    private static final long DROPPED = offset("dropped");
    private static final long READ_FAILED = offset("read_failed");
    private static final long FAILED = offset("failed");

    private final BpfMap libraryCalls;
    private final LibraryAttacher probes;
    private final int cpus = LibbpfRuntime.possibleCpus();
    /** Baselines of the attached libraries, by id. */
    private final Map<Integer, LibraryCalls> baselines = new ConcurrentHashMap<>();

    LibraryCallAccounting(BpfMap libraryCalls, LibraryAttacher probes) {
        this.libraryCalls = libraryCalls;
        this.probes = probes;
    }

    @Override
    public Attachment attach(int libraryId, LibraryMapping mapping) {
        LibraryCalls baseline = slot(libraryId);
        Attachment attachment = probes.attach(libraryId, mapping);
        baselines.put(libraryId, baseline);
        return new Attachment(attachment.library(), () -> {
            attachment.detach().run();
            baselines.remove(libraryId);
        });
    }

    /** The calls of an attached library since it was attached; empty for other ids. */
    Optional<LibraryCalls> of(int libraryId) {
        LibraryCalls baseline = baselines.get(libraryId);
        if (baseline == null) {
            return Optional.empty();
        }
        boolean shared = baselines.keySet().stream()
                .anyMatch(other -> other != libraryId && slotOf(other) == slotOf(libraryId));
        return Optional.of(slot(libraryId).minus(baseline).shared(shared));
    }

    private static int slotOf(int libraryId) {
        return Integer.remainderUnsigned(libraryId, KernelAbi.LIBRARY_SLOTS);
    }

    /** A slot's counts summed over all CPUs (each CPU's value in turn, each 8-byte aligned). */
    private LibraryCalls slot(int libraryId) {
        long stride = KernelAbi.LIBRARY_CALLS.byteSize();
        byte[] values = new byte[(int) stride * cpus];
        if (!libraryCalls.lookup(KernelAbi.u32(slotOf(libraryId)), values)) {
            return LibraryCalls.NONE;
        }
        ByteBuffer perCpu = ByteBuffer.wrap(values).order(ByteOrder.nativeOrder());
        long seen = 0;
        long captured = 0;
        long dropped = 0;
        long readFailed = 0;
        long failed = 0;
        for (int cpu = 0; cpu < cpus; cpu++) {
            int base = (int) (cpu * stride);
            seen += perCpu.getLong(base + (int) SEEN);
            captured += perCpu.getLong(base + (int) CAPTURED);
            dropped += perCpu.getLong(base + (int) DROPPED);
            readFailed += perCpu.getLong(base + (int) READ_FAILED);
            failed += perCpu.getLong(base + (int) FAILED);
        }
        return new LibraryCalls(seen, captured, dropped, readFailed, failed, false);
    }

    private static long offset(String field) {
        return KernelAbi.LIBRARY_CALLS.byteOffset(groupElement(field));
    }
}
