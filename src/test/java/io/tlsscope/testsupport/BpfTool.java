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

    private static JsonNode read(List<String> command) {
        try {
            return JSON.readTree(Commands.run(command));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(String.join(" ", command) + " printed no JSON: " + e.getMessage(), e);
        }
    }
}
