package io.tlsscope.kernel;

import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.LibbpfRuntime;
import io.tlsscope.bpf.abi.KernelAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A per-CPU array map of u64 counters (or of structs of them), read as sums over all possible CPUs. */
final class PerCpuArray {
    private final BpfMap map;
    private final int cpus = LibbpfRuntime.possibleCpus();

    PerCpuArray(BpfMap map) {
        this.map = map;
    }

    long sum(int index) {
        return sums(index, 1)[0];
    }

    /** The u64 fields of one entry (a struct of that many u64s), each summed over all CPUs; zeros when there is no such entry. */
    long[] sums(int index, int fields) {
        // per-CPU values are laid out one per possible CPU, each rounded up to 8 bytes (a struct of u64s is)
        int stride = fields * Long.BYTES;
        byte[] values = new byte[stride * cpus];
        long[] sums = new long[fields];
        if (!map.lookup(KernelAbi.u32(index), values)) {
            return sums;
        }
        ByteBuffer perCpu = ByteBuffer.wrap(values).order(ByteOrder.nativeOrder());
        for (int cpu = 0; cpu < cpus; cpu++) {
            for (int field = 0; field < fields; field++) {
                sums[field] += perCpu.getLong(cpu * stride + field * Long.BYTES);
            }
        }
        return sums;
    }
}
