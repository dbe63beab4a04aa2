package io.tlsscope.api;

import java.util.List;

/**
 * A traced process: one that maps a library tlsscope attached to.
 *
 * @param comm      the process's name (/proc/PID/comm), absent when it has exited meanwhile
 * @param libraries inodes of the attached libraries it uses
 */
public record ProcessResponse(int pid, String comm, List<Long> libraries) {
}
