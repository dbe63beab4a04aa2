package io.tlsscope.kernel;

/**
 * What the kernel side is loaded with.
 *
 * @param selfTgid            this process: never traced (its own TLS would loop)
 * @param maxBytesPerCall     plaintext captured per SSL call; the rest is counted as truncated
 * @param ringBufferBytes     size of the ring buffer, a power of two of at least a page
 * @param responseBudgetBytes response bytes (server to client) captured whole per request/response exchange; 0: all
 * @param responseTailBytes   last bytes captured of each response call beyond the budget
 * @param userMemoryReads     how return probes read user memory; AUTO copies where the kernel can
 */
public record KernelSettings(int selfTgid, int maxBytesPerCall, int ringBufferBytes, int responseBudgetBytes,
                             int responseTailBytes, UserMemoryReads userMemoryReads) {
}
