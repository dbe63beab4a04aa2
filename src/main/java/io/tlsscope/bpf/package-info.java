/**
 * Panama FFM bindings to libbpf, only the calls tlsscope uses: open and load an object, programs
 * and their attach calls, maps by fd, and the ring-buffer reader thread. Knows nothing of tlsscope.
 */
package io.tlsscope.bpf;
