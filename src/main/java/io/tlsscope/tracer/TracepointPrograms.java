package io.tlsscope.tracer;

import java.util.List;

/** Which program of tlsscope.bpf.c goes on which tracepoint (category, name). */
final class TracepointPrograms {
    record Tracepoint(String program, String category, String name) {
    }

    static final List<Tracepoint> ALL = List.of(
            // connection table first, so sockets accepted during discovery are not missed
            new Tracepoint("connect_enter", "syscalls", "sys_enter_connect"),
            new Tracepoint("connect_exit", "syscalls", "sys_exit_connect"),
            new Tracepoint("accept_exit", "syscalls", "sys_exit_accept"),
            new Tracepoint("accept4_exit", "syscalls", "sys_exit_accept4"),
            new Tracepoint("close_enter", "syscalls", "sys_enter_close"),
            new Tracepoint("nested_read", "syscalls", "sys_enter_read"),
            new Tracepoint("nested_write", "syscalls", "sys_enter_write"),
            new Tracepoint("nested_recvfrom", "syscalls", "sys_enter_recvfrom"),
            new Tracepoint("nested_sendto", "syscalls", "sys_enter_sendto"),
            new Tracepoint("nested_readv", "syscalls", "sys_enter_readv"),
            new Tracepoint("nested_writev", "syscalls", "sys_enter_writev"),
            new Tracepoint("nested_recvmsg", "syscalls", "sys_enter_recvmsg"),
            new Tracepoint("nested_sendmsg", "syscalls", "sys_enter_sendmsg"),
            new Tracepoint("process_exec", "sched", "sched_process_exec"),
            new Tracepoint("process_exit", "sched", "sched_process_exit"));

    private TracepointPrograms() {
    }
}
