package io.tlsscope.api;

import io.tlsscope.discovery.LibraryRegistry;
import io.tlsscope.tracer.Tracer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** TLS libraries the tracer found, one entry per inode. */
@Path("/api/v1/libraries")
@Tag(name = "libraries")
@Produces(MediaType.APPLICATION_JSON)
public class LibrariesResource {
    private final Tracer tracer;

    public LibrariesResource(Tracer tracer) {
        this.tracer = tracer;
    }

    @GET
    @Operation(summary = "List attached TLS libraries",
            description = "One entry per (device, inode): the paths processes mapped it under, kind, OpenSSL "
                    + "version and struct layout when known, the processes using it, the probed functions, "
                    + "and the reason when attaching failed.")
    public List<LibraryRegistry.LibraryView> libraries() {
        return tracer.libraries();
    }
}
