package io.tlsscope.api;

import io.tlsscope.scope.ProcessScope;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * Body of PUT /api/v1/scope: the whole new scope. Every list is required (empty for none), so that
 * a misspelt property is refused instead of widening the scope to every process.
 */
public record ScopeRequest(
        @NotNull(message = "a list of absolute executable paths, empty for none") List<@NotBlank String> executables,
        @NotNull(message = "a list of process names, empty for none") List<@NotBlank String> comms,
        @NotNull(message = "a list of cgroup v2 paths, empty for none") List<@NotBlank String> cgroups,
        @NotNull(message = "a list of user names or uids, empty for none") List<@NotBlank String> users) {

    ProcessScope toScope() {
        return new ProcessScope(executables, comms, cgroups, users);
    }
}
