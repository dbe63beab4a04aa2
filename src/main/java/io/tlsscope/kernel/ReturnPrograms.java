package io.tlsscope.kernel;

import java.util.List;

/**
 * The return programs of tlsscope.bpf.c, by their plain (reading) names; each also exists as a
 * sleepable copying program, see {@link UserMemoryReads#returnProgram}. One kind is loaded.
 */
final class ReturnPrograms {
    static final List<String> ALL = List.of(
            "ssl_write_return", "ssl_read_return", "ssl_write_ex_return", "ssl_read_ex_return",
            "go_tls_write_return", "go_tls_read_return", "go_tls_write_return_stack", "go_tls_read_return_stack");

    private ReturnPrograms() {
    }
}
