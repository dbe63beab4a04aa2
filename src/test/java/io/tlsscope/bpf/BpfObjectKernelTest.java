package io.tlsscope.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsscope.bpf.abi.KernelAbi;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The FFM bindings against the real kernel and the real tlsscope object (needs root). */
class BpfObjectKernelTest {
    private BpfObject object;

    @BeforeEach
    void load() throws IOException {
        LibbpfRuntime.ensureAvailable();
        LibbpfLog.install();
        try (InputStream in = getClass().getResourceAsStream("/bpf/tlsscope.bpf.o")) {
            object = BpfObject.open(in.readAllBytes(), "tlsscope");
        }
        // struct tlsscope_config: self_tgid 0, a 256 KiB cap, an empty layout table
        object.setRodata(ByteBuffer.allocate((int) KernelAbi.CONFIG.byteSize()).order(ByteOrder.nativeOrder())
                .putInt(0).putInt(256 * 1024).array());
        object.setMaxEntries("events", 1 << 16);
        object.load();
    }

    @AfterEach
    void close() {
        object.close();
    }

    @Test
    void hashMapRoundTrip() {
        BpfMap layouts = object.map("library_layouts");
        assertThat(layouts.fd()).isPositive();
        byte[] key = ints(7);
        byte[] value = ints(16, 56);
        layouts.update(key, value, BpfMap.BPF_NOEXIST);
        byte[] read = new byte[layouts.valueSize()];
        assertThat(layouts.lookup(key, read)).isTrue();
        assertThat(read).isEqualTo(value);
        assertThat(layouts.keys()).singleElement().isEqualTo(key);
        assertThatThrownBy(() -> layouts.update(key, value, BpfMap.BPF_NOEXIST))
                .isInstanceOfSatisfying(LibbpfException.class, e -> assertThat(e.errnoName()).isEqualTo("EEXIST"));
        assertThat(layouts.delete(key)).isTrue();
        assertThat(layouts.delete(key)).isFalse();
        assertThat(layouts.lookup(key, read)).isFalse();
    }

    @Test
    void perCpuLookupFillsOneValuePerPossibleCpu() {
        BpfMap counters = object.map("counters");
        int cpus = LibbpfRuntime.possibleCpus();
        ByteBuffer written = ByteBuffer.allocate(Long.BYTES * cpus).order(ByteOrder.nativeOrder());
        for (int cpu = 0; cpu < cpus; cpu++) {
            written.putLong(1000L * (cpu + 1) + cpu); // a different value in every CPU's slot
        }
        counters.update(ints(1), written.array(), BpfMap.BPF_ANY);
        byte[] values = new byte[Long.BYTES * cpus];
        assertThat(counters.lookup(ints(1), values)).isTrue();
        ByteBuffer read = ByteBuffer.wrap(values).order(ByteOrder.nativeOrder());
        for (int cpu = 0; cpu < cpus; cpu++) {
            assertThat(read.getLong(cpu * Long.BYTES)).as("CPU %d's slot", cpu).isEqualTo(1000L * (cpu + 1) + cpu);
        }
    }

    @Test
    void attachingToAMissingFileNamesTheFileAndErrno() {
        assertThatThrownBy(() -> object.program("ssl_write_entry").attachUprobe(Path.of("/nonexistent/libssl.so.3"), 0x1000, false, 1))
                .isInstanceOfSatisfying(LibbpfException.class, e -> {
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                    assertThat(e.getMessage()).contains("/nonexistent/libssl.so.3").contains("ssl_write_entry");
                });
    }

    @Test
    void unknownProgramsAndMapsAreNamedInTheError() {
        assertThatThrownBy(() -> object.program("nope")).hasMessageContaining("no program nope");
        assertThatThrownBy(() -> object.map("nope")).hasMessageContaining("no map nope");
    }

    @Test
    void linksAndObjectsCloseTwiceHarmlessly() {
        BpfLink link = object.program("process_exec").attachTracing();
        assertThat(link.description()).contains("process_exec");
        link.close();
        link.close();
        object.close();
        object.close();
        assertThatThrownBy(() -> object.program("process_exec")).hasMessageContaining("closed");
    }

    @Test
    void ringBufferDeliversRecordsOfARealExec() throws Exception {
        List<ByteBuffer> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (BpfLink exec = object.program("process_exec").attachTracing();
             RingBufferReader reader = new RingBufferReader(object.map("events"), records::add, "test-ringbuf")) {
            reader.start();
            Process child = new ProcessBuilder("/bin/true").start();
            child.waitFor();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (records.stream().noneMatch(record -> record.getInt(0) == 2 && record.getInt(4) == child.pid())) {
                assertThat(System.nanoTime()).as("exec record of pid %d", child.pid()).isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(reader.samples()).isPositive();
        }
    }

    private static byte[] ints(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.nativeOrder());
        for (int value : values) {
            buffer.putInt(value);
        }
        return buffer.array();
    }
}
