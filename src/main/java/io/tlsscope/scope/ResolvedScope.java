package io.tlsscope.scope;

import io.tlsscope.discovery.LibraryKey;
import java.util.Set;

/**
 * A scope as the kernel compares it: executable files by device and inode, comms, cgroup v2 ids,
 * uids. Empty everywhere: every process is traced.
 *
 * @param written what the operator wrote, for showing it back
 */
public record ResolvedScope(ProcessScope written, Set<LibraryKey> executables, Set<String> comms, Set<Long> cgroupIds,
                            Set<Integer> uids) {
    public static final ResolvedScope EVERYTHING = new ResolvedScope(ProcessScope.EVERYTHING, Set.of(), Set.of(), Set.of(), Set.of());

    public ResolvedScope {
        executables = Set.copyOf(executables);
        comms = Set.copyOf(comms);
        cgroupIds = Set.copyOf(cgroupIds);
        uids = Set.copyOf(uids);
    }

    public boolean limited() {
        return written.limited();
    }
}
