package io.tlsscope.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container a cgroup belongs to, from the cgroup paths in /proc/PID/cgroup: container
 * runtimes name a container's cgroup after its 64-hex id (docker-ID.scope, /docker/ID,
 * cri-containerd-ID.scope, crio-ID.scope, libpod-ID.scope, /kubepods/.../ID). Answers are kept
 * per kernel cgroup id, so /proc is read once per cgroup, not per event.
 */
public final class ContainerIds {
    private static final Pattern CONTAINER_ID = Pattern.compile("(?:^|[/-])([0-9a-f]{64})(?:\\.scope)?$");
    private static final int MAX_REMEMBERED = 16384;

    private final Path procRoot;
    private final ConcurrentMap<Long, Optional<String>> byCgroup = new ConcurrentHashMap<>();
    /**
     * The answer last given from the map: records come in runs from one cgroup, and these skip the
     * map lookup (and boxing the key). Immutable, so a racing reader sees a whole answer or the
     * one before.
     */
    private Remembered last;

    private record Remembered(long cgroupId, Optional<String> answer) {
    }

    public ContainerIds(Path procRoot) {
        this.procRoot = procRoot;
    }

    /** The container id of pid's cgroup cgroupId; empty when it is in no container or pid is gone. */
    public Optional<String> of(int pid, long cgroupId) {
        Remembered recent = last;
        if (recent != null && recent.cgroupId() == cgroupId) {
            return recent.answer();
        }
        Optional<String> known = byCgroup.get(cgroupId);
        if (known != null) {
            last = new Remembered(cgroupId, known);
            return known;
        }
        Optional<List<String>> lines = cgroupLines(pid);
        if (lines.isEmpty()) {
            return Optional.empty(); // the process is gone: unknown, not remembered
        }
        Optional<String> answer = fromCgroupFile(lines.get());
        if (byCgroup.size() >= MAX_REMEMBERED) {
            byCgroup.clear();
            last = null;
        }
        byCgroup.put(cgroupId, answer);
        return answer;
    }

    /** The container id named by lines of a /proc/PID/cgroup file ("hierarchy:controllers:path"). */
    public static Optional<String> fromCgroupFile(List<String> lines) {
        for (String line : lines) {
            String path = line.substring(line.lastIndexOf(':') + 1);
            for (String segment : path.split("/")) {
                Matcher matcher = CONTAINER_ID.matcher(segment);
                if (matcher.find()) {
                    return Optional.of(matcher.group(1));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<List<String>> cgroupLines(int pid) {
        try {
            return Optional.of(Files.readAllLines(procRoot.resolve(pid + "/cgroup")));
        } catch (IOException | SecurityException gone) {
            return Optional.empty();
        }
    }
}
