package io.tlsscope.tracer;

import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.LibbpfRuntime;
import io.tlsscope.bpf.abi.KernelCounter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;

/** Reads the kernel's per-CPU counters map and sums each counter over all CPUs. */
final class KernelCounters {
    private final BpfMap counters;
    private final int cpus = LibbpfRuntime.possibleCpus();

    KernelCounters(BpfMap counters) {
        this.counters = counters;
    }

    Map<KernelCounter, Long> read() {
        Map<KernelCounter, Long> totals = new EnumMap<>(KernelCounter.class);
        // per-CPU values are laid out one per possible CPU, each rounded up to 8 bytes
        byte[] values = new byte[Long.BYTES * cpus];
        for (KernelCounter counter : KernelCounter.values()) {
            byte[] key = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(counter.index()).array();
            long sum = 0;
            if (counters.lookup(key, values)) {
                ByteBuffer perCpu = ByteBuffer.wrap(values).order(ByteOrder.nativeOrder());
                for (int cpu = 0; cpu < cpus; cpu++) {
                    sum += perCpu.getLong(cpu * Long.BYTES);
                }
            }
            totals.put(counter, sum);
        }
        return totals;
    }
}
