package io.tlsscope.kernel;

import java.util.List;

/**
 * The tp_btf programs of tlsscope.bpf.c; each attaches to the raw tracepoint its section names.
 * The syscall programs come first, so sockets accepted during discovery are not missed.
 */
final class TracepointPrograms {
    static final List<String> ALL = List.of("syscall_enter", "syscall_exit", "process_exec", "process_exit");

    private TracepointPrograms() {
    }
}
