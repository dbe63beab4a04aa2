package io.tlsscope.rules;

import io.tlsscope.process.ContainerIds;
import io.tlsscope.collections.LruMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Executable path and container of a process, read from /proc once per process: /proc/PID/exe (the
 * path inside the process's own mount namespace) and /proc/PID/cgroup. A pid is re-read when its comm
 * differs from the one cached (the pid was reused). A process that has exited has neither: "".
 * Bounded; not thread-safe (the rule thread owns it).
 */
final class ProcessDetails {
    private static final int MAX_PROCESSES = 8192;

    record Details(String comm, String exe, String container) {
    }

    private final Path proc;
    private final Map<Integer, Details> byPid = new LruMap<>(MAX_PROCESSES);

    ProcessDetails(Path proc) {
        this.proc = proc;
    }

    Details of(int pid, String comm) {
        Details known = byPid.get(pid);
        if (known != null && known.comm().equals(comm)) {
            return known;
        }
        Path dir = proc.resolve(Integer.toString(pid));
        String exe;
        try {
            exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
        } catch (IOException | UnsupportedOperationException gone) {
            return new Details(comm, "", ""); // exited (or a kernel thread): not cached, the pid may come back
        }
        String container;
        try {
            List<String> cgroups = Files.readAllLines(dir.resolve("cgroup"));
            container = ContainerIds.fromCgroupFile(cgroups).orElse("");
        } catch (IOException gone) {
            container = "";
        }
        Details details = new Details(comm, exe.endsWith(" (deleted)") ? exe.substring(0, exe.length() - 10) : exe, container);
        byPid.put(pid, details);
        return details;
    }
}
