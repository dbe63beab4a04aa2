package io.tlsscope.scope;

import io.tlsscope.config.TlsscopeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The scope in force as written: the configured one (tlsscope.scope.*) until an operator changes
 * it through the API, which lasts until the service restarts. Resolved afresh at each use, so a
 * tracing start sees the files and cgroups of the moment. Thread-safe.
 */
@ApplicationScoped
public class ScopeSettings {
    private final ScopeResolver resolver;
    private volatile ProcessScope written;

    public ScopeSettings(TlsscopeConfig config) {
        this.resolver = ScopeResolver.host();
        TlsscopeConfig.Scope scope = config.scope();
        this.written = new ProcessScope(scope.executables().orElse(List.of()), scope.comms().orElse(List.of()),
                scope.cgroups().orElse(List.of()), scope.users().orElse(List.of()));
    }

    public ProcessScope written() {
        return written;
    }

    /** @throws ScopeException when the scope in force names something this host does not have (any more) */
    public ResolvedScope resolve() {
        return resolver.resolve(written);
    }

    /** Checks and resolves wanted, and makes it the scope in force; @throws ScopeException and keeps the old one */
    public synchronized ResolvedScope replace(ProcessScope wanted) {
        ResolvedScope resolved = resolver.resolve(wanted);
        written = wanted;
        return resolved;
    }
}
