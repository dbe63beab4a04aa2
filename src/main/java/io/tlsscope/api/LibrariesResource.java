package io.tlsscope.api;

import io.tlsscope.tracer.TracerControl;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** TLS libraries the tracer found, one entry per inode, and their struct layout override. */
@Path("/api/v1/libraries")
@Tag(name = "libraries")
@Produces(MediaType.APPLICATION_JSON)
public class LibrariesResource {
    private final TracerControl control;

    public LibrariesResource(TracerControl control) {
        this.control = control;
    }

    @GET
    @Operation(summary = "List attached TLS libraries",
            description = "One entry per (device, inode): the paths processes mapped it under, kind (openssl, "
                    + "static-openssl, go), OpenSSL version and struct layout with its source (detected, forced, scan, "
                    + "off), the processes using it, the probed functions, the reason when attaching failed, and the SSL "
                    + "calls and bytes captured through it.")
    public List<LibraryResponse> libraries() {
        return control.libraries().stream().map(LibraryResponse::of).toList();
    }

    @GET
    @Path("/{inode}")
    @Operation(summary = "One attached library, by inode")
    @APIResponse(responseCode = "200", description = "the library",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LibraryResponse.class)))
    @APIResponse(responseCode = "404", description = "no attached library has that inode")
    public LibraryResponse library(@PathParam("inode") @Positive @Parameter(description = "the library file's inode") long inode) {
        return LibraryResponse.of(control.library(inode));
    }

    @PUT
    @Path("/{inode}/layout")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Force an OpenSSL struct layout (admin)",
            description = "Only the forced layout is tried for this library's SSL objects, still validated in the kernel: "
                    + "a wrong layout finds no socket (counted as kernel.fd.layout-rejected) and never misattributes.")
    @APIResponse(responseCode = "200", description = "the library with its forced layout",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LibraryResponse.class)))
    @APIResponse(responseCode = "400", description = "unknown layout (field layout)")
    @APIResponse(responseCode = "404", description = "no attached OpenSSL library has that inode")
    public LibraryResponse forceLayout(@PathParam("inode") @Positive long inode, @Valid @NotNull(message = "a JSON body {\"layout\": NAME}") LayoutRequest request) {
        return LibraryResponse.of(control.forceLayout(inode, Optional.of(request.layout())));
    }

    @DELETE
    @Path("/{inode}/layout")
    @Operation(summary = "Go back to the detected layout (admin)")
    @APIResponse(responseCode = "200", description = "the library with its detected layout",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LibraryResponse.class)))
    @APIResponse(responseCode = "404", description = "no attached OpenSSL library has that inode")
    public LibraryResponse clearLayout(@PathParam("inode") @Positive long inode) {
        return LibraryResponse.of(control.forceLayout(inode, Optional.empty()));
    }
}
