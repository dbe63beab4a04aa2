package io.tlsscope.kernel;

import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.BpfObject;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.bpf.abi.StructValue;
import io.tlsscope.openssl.LayoutChoice;
import io.tlsscope.openssl.OpenSslLayout;
import io.tlsscope.openssl.OpenSslLayouts;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kernel's view of struct layouts: the table of every known layout (map layout_table, filled
 * once), the choice per library id (map library_layouts) and how many fds each layout found.
 */
final class KernelLayoutTable {
    private final OpenSslLayouts layouts;
    private final BpfMap table;
    private final BpfMap choices;
    private final PerCpuArray resolved;

    KernelLayoutTable(BpfObject object, OpenSslLayouts layouts) {
        if (layouts.all().size() > KernelAbi.MAX_LAYOUTS) {
            throw new IllegalStateException(layouts.all().size() + " layouts, the kernel table holds " + KernelAbi.MAX_LAYOUTS);
        }
        this.layouts = layouts;
        this.table = object.map("layout_table");
        this.choices = object.map("library_layouts");
        this.resolved = new PerCpuArray(object.map("layout_counters"));
    }

    /** Writes every layout into the kernel table; before any library is attached. */
    void fill() {
        for (OpenSslLayout layout : layouts.all()) {
            table.update(KernelAbi.u32(layouts.indexOf(layout)), StructValue.of(KernelAbi.LAYOUT)
                    .setInt(layout.sslRbioOffset(), "ssl_rbio_offset")
                    .setInt(layout.bioNumOffset(), "bio_num_offset")
                    .toBytes(), BpfMap.BPF_ANY);
        }
    }

    /** struct tlsscope_layout_choice for a library: its layout index and whether others may be tried. */
    void apply(int libraryId, LayoutChoice choice) {
        int index = choice.layout() == null ? -1 : layouts.indexOf(choice.layout());
        int flags = choice.triesOtherLayouts() ? 0 : KernelAbi.LAYOUT_FORCED;
        choices.update(KernelAbi.u32(libraryId), StructValue.of(KernelAbi.LAYOUT_CHOICE)
                .setInt(index, "layout")
                .setInt(flags, "flags")
                .toBytes(), BpfMap.BPF_ANY);
    }

    void forget(int libraryId) {
        choices.delete(KernelAbi.u32(libraryId));
    }

    /** Layout name to the number of fds the kernel found through it. */
    Map<String, Long> resolvedByLayout() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (OpenSslLayout layout : layouts.all()) {
            counts.put(layout.name(), resolved.sum(layouts.indexOf(layout)));
        }
        return counts;
    }
}
