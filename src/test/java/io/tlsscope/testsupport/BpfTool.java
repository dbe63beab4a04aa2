package io.tlsscope.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import com.fasterxml.jackson.core.JsonProcessingException;

/** The kernel's own view of BPF links and programs, through bpftool (not through tlsscope). */
public final class BpfTool {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BpfTool() {
    }

    /**
     * Links of type perf_event (uprobes, uretprobes) held by this JVM whose program name starts with
     * prefix. Only this process's links: another tracer on the host (a second test JVM, a running
     * service) has links of the same program names.
     */
    public static long perfEventLinks(String programPrefix) {
        Set<Long> programs = new HashSet<>();
        for (JsonNode program : read(List.of("bpftool", "prog", "show", "-j"))) {
            if (program.path("name").asText().startsWith(programPrefix)) {
                programs.add(program.get("id").asLong());
            }
        }
        return ownLinks().stream()
                .filter(link -> link.type().startsWith("perf") && programs.contains(link.programId()))
                .count();
    }

    private record OwnLink(String type, long programId) {
    }

    /** The BPF links behind this process's file descriptors, as the kernel describes them in fdinfo. */
    private static List<OwnLink> ownLinks() {
        List<OwnLink> links = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                Optional<OwnLink> link = linkBehind(fd);
                link.ifPresent(links::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return links;
    }

    private static Optional<OwnLink> linkBehind(Path fd) {
        try {
            if (!Files.readSymbolicLink(fd).toString().equals("anon_inode:bpf_link")) {
                return Optional.empty();
            }
            Map<String, String> info = new HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    info.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
            return Optional.of(new OwnLink(info.getOrDefault("link_type", ""), Long.parseLong(info.getOrDefault("prog_id", "-1"))));
        } catch (IOException e) {
            return Optional.empty(); // closed since the directory was listed
        }
    }

    /**
     * Uprobes (bpftool perf) this JVM placed on files whose path ends with pathSuffix: another tracer
     * on the host places its own on the same files.
     */
    public static long uprobesOn(String pathSuffix) {
        long self = ProcessHandle.current().pid();
        long probes = 0;
        for (JsonNode probe : read(List.of("bpftool", "perf", "show", "-j"))) {
            if ("uprobe".equals(probe.path("fd_type").asText()) && probe.path("pid").asLong() == self
                    && probe.path("filename").asText().endsWith(pathSuffix)) {
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
