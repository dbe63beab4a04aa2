package io.tlsscope.bpf;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/** One program of a loaded {@link BpfObject}; valid while the object is open. */
public final class BpfProgram {
    private final MemorySegment program;
    private final String name;

    BpfProgram(MemorySegment program, String name) {
        this.program = program;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Before the object is loaded: whether bpf_object__load verifies and loads this program (default true). */
    public void setAutoload(boolean autoload) {
        try {
            LibbpfException.check((int) Libbpf.PROGRAM_SET_AUTOLOAD.invokeExact(program, autoload), "set autoload of program " + name);
        } catch (Throwable e) {
            throw Libbpf.rethrow("set autoload of program " + name, e);
        }
    }

    /**
     * Attaches this program as a uprobe (or uretprobe) at a file offset of binary, for every
     * process that maps that file's inode, now or later. The cookie is what
     * bpf_get_attach_cookie() returns inside the program.
     */
    public BpfLink attachUprobe(Path binary, long fileOffset, boolean retprobe, long cookie) {
        String description = (retprobe ? "uretprobe " : "uprobe ") + name + " on " + binary + "+0x" + Long.toHexString(fileOffset);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment options = call.allocate(Libbpf.UPROBE_OPTS);
            options.set(ValueLayout.JAVA_LONG, Libbpf.UPROBE_OPTS.byteOffset(groupElement("sz")), Libbpf.UPROBE_OPTS.byteSize());
            options.set(ValueLayout.JAVA_LONG, Libbpf.UPROBE_OPTS.byteOffset(groupElement("bpf_cookie")), cookie);
            options.set(ValueLayout.JAVA_BYTE, Libbpf.UPROBE_OPTS.byteOffset(groupElement("retprobe")), (byte) (retprobe ? 1 : 0));
            MemorySegment capture = call.allocate(Libbpf.CAPTURE_LAYOUT);
            MemorySegment link = (MemorySegment) Libbpf.ATTACH_UPROBE.invokeExact(capture, program, -1,
                    call.allocateFrom(binary.toString()), fileOffset, options);
            if (link.equals(MemorySegment.NULL)) {
                throw new LibbpfException("attach " + description, Libbpf.errno(capture));
            }
            return new BpfLink(link, description);
        } catch (Throwable e) {
            throw Libbpf.rethrow("attach " + description, e);
        }
    }

    /**
     * Attaches a BTF-enabled tracing program (SEC("tp_btf/NAME"): a raw tracepoint) to the
     * tracepoint its section names. Needs no tracefs mount, unlike classic tracepoints.
     */
    public BpfLink attachTracing() {
        String description = "tp_btf program " + name;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(Libbpf.CAPTURE_LAYOUT);
            MemorySegment link = (MemorySegment) Libbpf.ATTACH_TRACE.invokeExact(capture, program);
            if (link.equals(MemorySegment.NULL)) {
                throw new LibbpfException("attach " + description, Libbpf.errno(capture));
            }
            return new BpfLink(link, description);
        } catch (Throwable e) {
            throw Libbpf.rethrow("attach " + description, e);
        }
    }
}
