package io.tlsscope.scope;

import io.tlsscope.discovery.LibraryKey;
import io.tlsscope.discovery.ProcessFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The scope as discovery can follow it, so that libraries only out-of-scope processes use get no
 * probes at all: by executable. A process runs another executable only after an exec, which
 * discovery sees; a user (setuid), a name (prctl) or a cgroup (migration) can change without any
 * record reaching discovery, so a scope with such entries attaches every library as before and
 * leaves the filtering to the kernel. Discovery thread only.
 */
public final class ExecutableScopeFilter implements ProcessFilter {
    private final Set<LibraryKey> executables;
    private final Path procRoot;
    /** Verdicts by pid, until the process exits or execs. */
    private final Map<Integer, Boolean> verdicts = new HashMap<>();

    private ExecutableScopeFilter(Set<LibraryKey> executables, Path procRoot) {
        this.executables = executables;
        this.procRoot = procRoot;
    }

    /** The filter for scope: by executable when it lists executables only, else every process. */
    public static ProcessFilter of(ResolvedScope scope, Path procRoot) {
        boolean byExecutableOnly = scope.limited() && scope.comms().isEmpty() && scope.uids().isEmpty() && scope.cgroupIds().isEmpty();
        return byExecutableOnly ? new ExecutableScopeFilter(scope.executables(), procRoot) : ProcessFilter.EVERY_PROCESS;
    }

    @Override
    public boolean includes(int pid) {
        return verdicts.computeIfAbsent(pid, this::runsScopedExecutable);
    }

    private boolean runsScopedExecutable(int pid) {
        try {
            // stat follows the exe link to the file itself, through the process's own mount namespace
            Map<String, Object> stat = Files.readAttributes(procRoot.resolve(Integer.toString(pid)).resolve("exe"), "unix:dev,ino");
            return executables.contains(LibraryKey.ofStat((Long) stat.get("dev"), (Long) stat.get("ino")));
        } catch (NoSuchFileException gone) {
            return false; // exited (a short-lived curl): it makes no TLS call any more
        } catch (IOException | UnsupportedOperationException | SecurityException unknown) {
            return true; // cannot tell: attach, the kernel still filters
        }
    }

    @Override
    public void forget(int pid) {
        verdicts.remove(pid);
    }
}
