package io.tlsscope.scope;

import java.util.List;
import java.util.Objects;

/**
 * The processes an operator chose to trace, as written: a process is in scope when it matches any
 * entry of any list. All lists empty: every process is traced (the default).
 *
 * @param executables absolute paths of executable files (matched by the file, not the name)
 * @param comms       process names as /proc/PID/comm shows them (at most 15 bytes)
 * @param cgroups     cgroup v2 paths as /proc/PID/cgroup shows them; a process in one or below it matches
 * @param users       user names or numeric uids
 */
public record ProcessScope(List<String> executables, List<String> comms, List<String> cgroups, List<String> users) {
    public static final ProcessScope EVERYTHING = new ProcessScope(List.of(), List.of(), List.of(), List.of());

    public ProcessScope {
        executables = copy(executables);
        comms = copy(comms);
        cgroups = copy(cgroups);
        users = copy(users);
    }

    private static List<String> copy(List<String> values) {
        return values == null ? List.of() : values.stream().map(Objects::toString).toList();
    }

    /** Whether tracing is limited to some processes. */
    public boolean limited() {
        return !(executables.isEmpty() && comms.isEmpty() && cgroups.isEmpty() && users.isEmpty());
    }
}
