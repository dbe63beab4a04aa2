package io.tlsscope.capture;

/**
 * What the kernel tells discovery about a process (thread-group leader).
 *
 * @param parentPid for FORK the parent's pid, else 0
 */
public record ProcessEvent(Kind kind, int pid, int parentPid, String comm) {
    public enum Kind {
        /** It called exec: a new executable, and soon new libraries. */
        EXEC,
        /** It exited. */
        EXIT,
        /** A new process, a copy of its parent's mappings. */
        FORK,
        /** It mapped a libssl file executable (the loader, or a dlopen). */
        TLS_LIBRARY_MAPPED
    }
}
