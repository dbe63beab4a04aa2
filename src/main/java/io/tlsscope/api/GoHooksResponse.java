package io.tlsscope.api;

import java.util.List;

/**
 * Whether Go executables' crypto/tls is probed: the switch for all of them, and each known Go
 * executable's own state.
 */
public record GoHooksResponse(boolean enabled, List<Binary> binaries) {

    /** One Go executable: its inode, paths, and whether its probes are attached. */
    public record Binary(long inode, List<String> paths, boolean enabled) {
    }
}
