package io.tlsscope.kernel;

import io.tlsscope.bpf.BpfLink;
import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.BpfObject;
import io.tlsscope.bpf.LibbpfException;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.bpf.abi.StructValue;
import io.tlsscope.discovery.LibraryAttacher;
import io.tlsscope.discovery.LibraryMapping;
import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import io.tlsscope.golang.GoConnLayout;
import io.tlsscope.golang.GoExecutable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Attaches to one Go executable: a uprobe at the entry of crypto/tls.(*Conn).Write and Read and one
 * at each of their RET instructions (never a uretprobe: Go moves goroutines between threads and
 * grows stacks by copying, which breaks return-address hijacking), with the registry id as cookie;
 * and tells the kernel where the build keeps the connection's fd.
 */
final class GoTlsAttacher implements LibraryAttacher {
    private final BpfObject object;
    private final BpfMap goLayouts;
    private final UserMemoryReads reads;

    GoTlsAttacher(BpfObject object, UserMemoryReads reads) {
        this.object = object;
        this.reads = reads;
        this.goLayouts = object.map("go_layouts");
    }

    @Override
    public Attachment attach(int libraryId, LibraryMapping mapping) {
        String where = mapping.file().path() + " (" + mapping.key() + ")";
        GoExecutable go;
        try (ElfBinary elf = ElfBinary.open(mapping.openPath())) {
            go = GoExecutable.inspect(elf).orElseThrow(() -> new AttachException("attach " + where + ": not a Go executable"));
        } catch (ElfException e) {
            throw new AttachException("attach " + where + ": " + e.getMessage(), e);
        }
        String version = go.buildInfo() == null ? null : go.buildInfo().goVersion();
        // programs reading arguments and results from registers (Go 1.17+) or from the stack
        String abi = go.registerAbi() ? "" : "_stack";
        Optional<GoConnLayout> layout = Optional.ofNullable(go.connLayout());
        List<BpfLink> links = new ArrayList<>();
        List<String> probes = new ArrayList<>();
        try {
            // the layout before the probes: a call returning between the two would find no fd in its conn
            if (layout.isPresent()) {
                goLayouts.update(KernelAbi.u32(libraryId), layoutValue(layout.get()), BpfMap.BPF_ANY);
            }
            attach(go, GoExecutable.WRITE, "go_tls_write_entry" + abi, "go_tls_write_return" + abi, libraryId, mapping, links,
                    probes, where);
            attach(go, GoExecutable.READ, "go_tls_read_entry" + abi, "go_tls_read_return" + abi, libraryId, mapping, links,
                    probes, where);
        } catch (LibbpfException | AttachException e) {
            links.forEach(BpfLink::close);
            goLayouts.delete(KernelAbi.u32(libraryId));
            throw e instanceof AttachException attach ? attach : new AttachException("attach " + where + ": " + e.getMessage(), e);
        }
        return new Attachment(new AttachedLibrary(null, version, List.copyOf(probes)), () -> {
            links.forEach(BpfLink::close);
            goLayouts.delete(KernelAbi.u32(libraryId));
        });
    }

    private void attach(GoExecutable go, String name, String entryProgram, String returnProgram, int libraryId,
                        LibraryMapping mapping, List<BpfLink> links, List<String> probes, String where) {
        GoExecutable.TlsFunction function = go.function(name)
                .orElseThrow(() -> new AttachException("attach " + where + ": " + name + " not found"));
        if (function.returnOffsets().isEmpty()) {
            throw new AttachException("attach " + where + ": no RET decoded in " + name);
        }
        links.add(object.program(entryProgram).attachUprobe(mapping.openPath(), function.entryOffset(), false, libraryId));
        for (long returnOffset : function.returnOffsets()) {
            links.add(object.program(reads.returnProgram(returnProgram)).attachUprobe(mapping.openPath(), returnOffset, false, libraryId));
        }
        probes.add(name + " (entry and " + function.returnOffsets().size() + " RETs, via " + function.foundVia() + ", "
                + (go.registerAbi() ? "register" : "stack") + " ABI)");
    }

    /** struct tlsscope_go_layout. */
    private static byte[] layoutValue(GoConnLayout layout) {
        return StructValue.of(KernelAbi.GO_LAYOUT)
                .setInt(layout.connDataOffset(), "conn_data_offset")
                .setInt(layout.tcpConnFdOffset(), "tcpconn_fd_offset")
                .setInt(layout.netFdSysfdOffset(), "netfd_sysfd_offset")
                .toBytes();
    }
}
