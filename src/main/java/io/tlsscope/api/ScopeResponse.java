package io.tlsscope.api;

import io.tlsscope.scope.ProcessScope;
import java.util.List;

/**
 * The scope in force, as written: a process is traced when it matches any entry; limited is false
 * when nothing is listed and every process is traced.
 */
public record ScopeResponse(boolean limited, List<String> executables, List<String> comms, List<String> cgroups, List<String> users) {

    static ScopeResponse of(ProcessScope scope) {
        return new ScopeResponse(scope.limited(), scope.executables(), scope.comms(), scope.cgroups(), scope.users());
    }
}
