package io.tlsscope.kernel;

import java.util.List;

/**
 * The tp_btf programs of tlsscope.bpf.c; each attaches to the raw tracepoint its section names.
 * The syscall programs come first, so sockets accepted during discovery are not missed; forks come
 * before exec and exit, so a child is known as soon as it exists.
 */
final class TracepointPrograms {
    static final List<String> ALL = List.of("syscall_enter", "syscall_exit", "process_fork", "process_exec", "process_exit");

    private TracepointPrograms() {
    }
}
