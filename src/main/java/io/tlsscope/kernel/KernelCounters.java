package io.tlsscope.kernel;

import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.abi.KernelCounter;
import java.util.EnumMap;
import java.util.Map;

/** Reads the kernel's per-CPU counters map and sums each counter over all CPUs. */
final class KernelCounters {
    private final PerCpuArray counters;

    KernelCounters(BpfMap counters) {
        this.counters = new PerCpuArray(counters);
    }

    /** One counter, summed over all CPUs. */
    long read(KernelCounter counter) {
        return counters.sum(counter.index());
    }

    Map<KernelCounter, Long> read() {
        Map<KernelCounter, Long> totals = new EnumMap<>(KernelCounter.class);
        for (KernelCounter counter : KernelCounter.values()) {
            totals.put(counter, counters.sum(counter.index()));
        }
        return totals;
    }
}
