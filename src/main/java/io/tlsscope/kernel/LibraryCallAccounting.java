package io.tlsscope.kernel;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.discovery.LibraryAttacher;
import io.tlsscope.discovery.LibraryMapping;
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
    private static final int FIELDS = (int) (KernelAbi.LIBRARY_CALLS.byteSize() / Long.BYTES);
    private static final int SEEN = field("seen");
    private static final int CAPTURED = field("captured");
    private static final int DROPPED = field("dropped");
    private static final int READ_FAILED = field("read_failed");
    private static final int FAILED = field("failed");

    private final PerCpuArray libraryCalls;
    private final LibraryAttacher probes;
    /** Baselines of the attached libraries, by id. */
    private final Map<Integer, LibraryCalls> baselines = new ConcurrentHashMap<>();

    LibraryCallAccounting(BpfMap libraryCalls, LibraryAttacher probes) {
        this.libraryCalls = new PerCpuArray(libraryCalls);
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

    /** A slot's counts summed over all CPUs. */
    private LibraryCalls slot(int libraryId) {
        long[] sums = libraryCalls.sums(slotOf(libraryId), FIELDS);
        return new LibraryCalls(sums[SEEN], sums[CAPTURED], sums[DROPPED], sums[READ_FAILED], sums[FAILED], false);
    }

    /** A field's place among the struct's u64s. */
    private static int field(String name) {
        return (int) (KernelAbi.LIBRARY_CALLS.byteOffset(groupElement(name)) / Long.BYTES);
    }
}
