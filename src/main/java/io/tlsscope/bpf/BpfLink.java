package io.tlsscope.bpf;

import java.lang.foreign.MemorySegment;

/** An attached program (probe or tracepoint); closing detaches it. Thread-safe, idempotent close. */
public final class BpfLink implements AutoCloseable {
    private final String description;
    private MemorySegment link;

    BpfLink(MemorySegment link, String description) {
        this.link = link;
        this.description = description;
    }

    /** What is attached where, e.g. "uprobe ssl_write_entry on /usr/lib/.../libssl.so.3+0x3a1b0". */
    public String description() {
        return description;
    }

    @Override
    public synchronized void close() {
        if (link == null) {
            return;
        }
        MemorySegment toDestroy = link;
        link = null;
        try {
            LibbpfException.check((int) Libbpf.LINK_DESTROY.invokeExact(toDestroy), "detach " + description);
        } catch (Throwable e) {
            throw Libbpf.rethrow("detach " + description, e);
        }
    }
}
