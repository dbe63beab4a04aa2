package io.tlsscope.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import com.fasterxml.jackson.core.JsonProcessingException;

/** The kernel's own view of BPF links and programs, through bpftool (not through tlsscope). */
public final class BpfTool {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BpfTool() {
    }

    /** Links of type perf_event (uprobes, uretprobes) whose program name starts with prefix. */
    public static long perfEventLinks(String programPrefix) {
        Set<Long> programs = new HashSet<>();
        for (JsonNode program : read(List.of("bpftool", "prog", "show", "-j"))) {
            if (program.path("name").asText().startsWith(programPrefix)) {
                programs.add(program.get("id").asLong());
            }
        }
        long links = 0;
        for (JsonNode link : read(List.of("bpftool", "link", "show", "-j"))) {
            if ("perf_event".equals(link.path("type").asText()) && programs.contains(link.path("prog_id").asLong())) {
                links++;
            }
        }
        return links;
    }

    /** Uprobes (bpftool perf) placed on files whose path ends with pathSuffix, by any process. */
    public static long uprobesOn(String pathSuffix) {
        long probes = 0;
        for (JsonNode probe : read(List.of("bpftool", "perf", "show", "-j"))) {
            if ("uprobe".equals(probe.path("fd_type").asText()) && probe.path("filename").asText().endsWith(pathSuffix)) {
                probes++;
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
