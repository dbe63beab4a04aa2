package io.tlsscope.kernel;

import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.LibbpfRuntime;
import io.tlsscope.bpf.abi.KernelAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A per-CPU array map of u64 counters, read as sums over all possible CPUs. */
final class PerCpuArray {
    private final BpfMap map;
    private final int cpus = LibbpfRuntime.possibleCpus();

    PerCpuArray(BpfMap map) {
        this.map = map;
    }

    long sum(int index) {
        // per-CPU values are laid out one per possible CPU, each rounded up to 8 bytes
        byte[] values = new byte[Long.BYTES * cpus];
        if (!map.lookup(KernelAbi.u32(index), values)) {
            return 0;
        }
        ByteBuffer perCpu = ByteBuffer.wrap(values).order(ByteOrder.nativeOrder());
        long sum = 0;
        for (int cpu = 0; cpu < cpus; cpu++) {
            sum += perCpu.getLong(cpu * Long.BYTES);
        }
        return sum;
    }
}
