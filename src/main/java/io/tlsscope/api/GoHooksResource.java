package io.tlsscope.api;

import io.tlsscope.discovery.LibraryKind;
import io.tlsscope.tracer.TracerControl;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The Go crypto/tls probes: on or off for all Go executables, or for one. */
@Path("/api/v1/hooks/go")
@Tag(name = "hooks")
@Produces(MediaType.APPLICATION_JSON)
public class GoHooksResource {

    private final TracerControl control;

    public GoHooksResource(TracerControl control) {
        this.control = control;
    }

    @GET
    @Operation(summary = "Whether Go executables are probed, overall and per executable")
    public GoHooksResponse state() {
        return new GoHooksResponse(control.goHooksEnabled(), control.libraries().stream()
                .map(status -> status.library())
                .filter(library -> library.kind() == LibraryKind.GO)
                .map(library -> new GoHooksResponse.Binary(library.key().inode(), library.paths(), library.hooksEnabled())).toList());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Switch the probes of every Go executable (admin)",
            description = "Off detaches them now (the kernel's uprobe list shrinks); on attaches them again.")
    @APIResponse(responseCode = "200", description = "the probes' state after the switch",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GoHooksResponse.class)))
    @APIResponse(responseCode = "503", description = "tracing is not running")
    public GoHooksResponse switchAll(@Valid @NotNull(message = "a JSON body {\"enabled\": true|false}") HooksRequest request) {
        control.switchGoHooks(request.enabled());
        return state();
    }

    @PUT
    @Path("/{inode}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Switch one Go executable's probes (admin)")
    @APIResponse(responseCode = "200", description = "the probes' state after the switch",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GoHooksResponse.class)))
    @APIResponse(responseCode = "404", description = "no known Go executable has that inode")
    public GoHooksResponse switchOne(@PathParam("inode") @Positive long inode,
                                     @Valid @NotNull(message = "a JSON body {\"enabled\": true|false}") HooksRequest request) {
        control.switchGoHooks(inode, request.enabled());
        return state();
    }
}
