package io.tlsscope.discovery;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether Go executables get their crypto/tls probes: a switch for all of them, and exceptions per
 * executable set by an operator. Changed on the discovery thread only (the registry attaches and
 * detaches to match it there); {@link #enabledForAll()} may be read from any thread.
 */
public final class GoHookPolicy {
    private volatile boolean enabledForAll;
    private final Map<LibraryKey, Boolean> exceptions = new HashMap<>();

    public GoHookPolicy(boolean enabledForAll) {
        this.enabledForAll = enabledForAll;
    }

    /** Whether a library of this kind is to be probed; non-Go libraries always are. */
    boolean wants(LibraryKey key, LibraryKind kind) {
        return kind != LibraryKind.GO || exceptions.getOrDefault(key, enabledForAll);
    }

    /** One switch for every Go executable; exceptions made earlier are forgotten. */
    public void switchAll(boolean enabled) {
        enabledForAll = enabled;
        exceptions.clear();
    }

    public void switchOne(LibraryKey key, boolean enabled) {
        exceptions.put(key, enabled);
    }

    public boolean enabledForAll() {
        return enabledForAll;
    }
}
