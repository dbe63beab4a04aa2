package io.tlsscope.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import com.fasterxml.jackson.core.JsonProcessingException;

/** The kernel's own view of BPF links and programs, through bpftool (not through tlsscope). */
public final class BpfTool {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> UPROBE_TYPES = Set.of("uprobe", "uretprobe");

    private BpfTool() {
    }

    /**
     * Uprobes and uretprobes this JVM placed (bpftool perf, one per link) whose program name starts
     * with programPrefix. Only this process's: another tracer on the host (a second test JVM, a
     * running service) places the same programs on the same files.
     */
    public static long perfEventLinks(String programPrefix) {
        Set<Long> programs = new HashSet<>();
        for (JsonNode program : read(List.of("bpftool", "prog", "show", "-j"))) {
            if (program.path("name").asText().startsWith(programPrefix)) {
                programs.add(program.get("id").asLong());
            }
        }
        return ownUprobes().stream().filter(probe -> programs.contains(probe.path("prog_id").asLong())).count();
    }

    /** Uprobes this JVM placed on files whose path ends with pathSuffix. */
    public static long uprobesOn(String pathSuffix) {
        return ownUprobes().stream().filter(probe -> probe.path("filename").asText().endsWith(pathSuffix)).count();
    }

    private static List<JsonNode> ownUprobes() {
        long self = ProcessHandle.current().pid();
        List<JsonNode> probes = new ArrayList<>();
        for (JsonNode probe : read(List.of("bpftool", "perf", "show", "-j"))) {
            if (UPROBE_TYPES.contains(probe.path("fd_type").asText()) && probe.path("pid").asLong() == self) {
                probes.add(probe);
            }
        }
        return probes;
    }

    /**
     * What the kernel holds for the tracer in process pid, by id. bpftool perf names the owner of
     * each probe (uprobe or tracepoint); this bpftool lists no owner for programs and links, so the
     * process's programs are those sharing a map with a program behind one of its probes (one BPF
     * object: all its programs share maps; another tracer's object has maps of its own), and its
     * links are those of these programs.
     */
    public static KernelObjects objectsOf(long pid) {
        Set<Long> probePrograms = new HashSet<>();
        long uprobes = 0;
        for (JsonNode probe : read(List.of("bpftool", "perf", "show", "-j"))) {
            if (probe.path("pid").asLong() == pid) {
                probePrograms.add(probe.path("prog_id").asLong());
                uprobes += UPROBE_TYPES.contains(probe.path("fd_type").asText()) ? 1 : 0;
            }
        }
        JsonNode allPrograms = read(List.of("bpftool", "prog", "show", "-j"));
        Set<Long> maps = new HashSet<>();
        for (JsonNode program : allPrograms) {
            if (probePrograms.contains(program.path("id").asLong())) {
                program.path("map_ids").forEach(map -> maps.add(map.asLong()));
            }
        }
        Set<Long> programs = new HashSet<>();
        for (JsonNode program : allPrograms) {
            for (JsonNode map : program.path("map_ids")) {
                if (maps.contains(map.asLong())) {
                    programs.add(program.path("id").asLong());
                }
            }
        }
        Set<Long> links = new HashSet<>();
        for (JsonNode link : read(List.of("bpftool", "link", "show", "-j"))) {
            if (programs.contains(link.path("prog_id").asLong())) {
                links.add(link.path("id").asLong());
            }
        }
        return new KernelObjects(programs, links, maps, uprobes);
    }

    /**
     * Of these objects, those the kernel still holds; uprobes are those some process still holds
     * with one of these programs (bpftool perf finds probes through their holders' fds).
     */
    public static KernelObjects stillLoaded(KernelObjects objects) {
        Set<Long> programs = idsAmong(List.of("bpftool", "prog", "show", "-j"), objects.programs());
        Set<Long> links = idsAmong(List.of("bpftool", "link", "show", "-j"), objects.links());
        Set<Long> maps = idsAmong(List.of("bpftool", "map", "show", "-j"), objects.maps());
        long uprobes = 0;
        for (JsonNode probe : read(List.of("bpftool", "perf", "show", "-j"))) {
            if (UPROBE_TYPES.contains(probe.path("fd_type").asText()) && objects.programs().contains(probe.path("prog_id").asLong())) {
                uprobes++;
            }
        }
        return new KernelObjects(programs, links, maps, uprobes);
    }

    private static Set<Long> idsAmong(List<String> command, Set<Long> among) {
        Set<Long> found = new HashSet<>();
        for (JsonNode object : read(command)) {
            if (among.contains(object.path("id").asLong())) {
                found.add(object.path("id").asLong());
            }
        }
        return found;
    }

    /** BPF programs, links and maps by kernel id, and the number of uprobes/uretprobes placed with them. */
    public record KernelObjects(Set<Long> programs, Set<Long> links, Set<Long> maps, long uprobes) {
        public boolean isEmpty() {
            return programs.isEmpty() && links.isEmpty() && maps.isEmpty() && uprobes == 0;
        }
    }

    private static JsonNode read(List<String> command) {
        try {
            return JSON.readTree(Commands.run(command));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(String.join(" ", command) + " printed no JSON: " + e.getMessage(), e);
        }
    }
}
