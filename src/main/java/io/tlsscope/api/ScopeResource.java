package io.tlsscope.api;

import io.tlsscope.tracer.ScopeControl;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Which processes are traced. */
@Path("/api/v1/scope")
@Tag(name = "scope")
@Produces(MediaType.APPLICATION_JSON)
public class ScopeResource {

    private final ScopeControl control;

    public ScopeResource(ScopeControl control) {
        this.control = control;
    }

    @GET
    @Operation(summary = "The processes traced: by executable, comm, cgroup or user; nothing listed means every process")
    public ScopeResponse scope() {
        return ScopeResponse.of(control.current());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the scope (admin)",
            description = "A process is traced when it matches any entry: an executable file (absolute path), a comm "
                    + "(/proc/PID/comm), a cgroup v2 path (/proc/PID/cgroup; the cgroup and those below it) or a user "
                    + "(name or uid). All lists empty: every process. Applies from each process's next TLS call; lasts "
                    + "until the service restarts (tlsscope.scope.* in the configuration is the lasting place).")
    @APIResponse(responseCode = "200", description = "the scope in force after the change",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ScopeResponse.class)))
    @APIResponse(responseCode = "503", description = "the scope changed and the kernel filters by it, but discovery did not "
            + "follow it in time (libraries stay attached as before)")
    public ScopeResponse change(@Valid @NotNull(message = "a JSON body {\"executables\": [], \"comms\": [], \"cgroups\": [], \"users\": []}")
                                ScopeRequest request) {
        return ScopeResponse.of(control.change(request.toScope()));
    }
}
