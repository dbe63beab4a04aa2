/**
 * The kernel side of a tracing run: the BPF object loaded with its settings, tracepoints, the
 * layout and connection tables, the OpenSSL and Go attachers, the ring-buffer reader. Everything
 * it puts into the kernel it takes out again when closed.
 */
package io.tlsscope.kernel;
