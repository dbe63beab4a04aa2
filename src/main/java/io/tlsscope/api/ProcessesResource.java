package io.tlsscope.api;

import io.tlsscope.discovery.LibrarySnapshot;
import io.tlsscope.tracer.LibraryStatus;
import io.tlsscope.tracer.TracerControl;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The processes being traced: those that map a library tlsscope attached to. */
@Path("/api/v1/processes")
@Tag(name = "libraries")
@Produces(MediaType.APPLICATION_JSON)
public class ProcessesResource {
    private final TracerControl control;

    public ProcessesResource(TracerControl control) {
        this.control = control;
    }

    @GET
    @Operation(summary = "List traced processes",
            description = "Each process that maps an attached TLS library: pid, name, and the inodes of those libraries.")
    public List<ProcessResponse> processes() {
        Map<Integer, List<Long>> librariesByPid = new TreeMap<>();
        for (LibraryStatus status : control.libraries()) {
            LibrarySnapshot library = status.library();
            for (int pid : library.pids()) {
                librariesByPid.computeIfAbsent(pid, ignored -> new ArrayList<>()).add(library.key().inode());
            }
        }
        return librariesByPid.entrySet().stream()
                .map(entry -> new ProcessResponse(entry.getKey(), comm(entry.getKey()), List.copyOf(entry.getValue()))).toList();
    }

    private static String comm(int pid) {
        try {
            return Files.readString(java.nio.file.Path.of("/proc", Integer.toString(pid), "comm")).strip();
        } catch (IOException exited) {
            return null;
        }
    }
}
