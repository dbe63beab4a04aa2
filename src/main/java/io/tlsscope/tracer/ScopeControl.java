package io.tlsscope.tracer;

import io.tlsscope.scope.ProcessScope;
import io.tlsscope.scope.ResolvedScope;
import io.tlsscope.scope.ScopeSettings;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** The scope for REST and the CLI: shown as written, changed for the running tracer and its next starts. */
@ApplicationScoped
public class ScopeControl {
    private static final Logger LOG = Logger.getLogger(ScopeControl.class);

    private final Tracer tracer;
    private final ScopeSettings settings;

    public ScopeControl(Tracer tracer, ScopeSettings settings) {
        this.tracer = tracer;
        this.settings = settings;
    }

    public ProcessScope current() {
        return settings.written();
    }

    /** @throws io.tlsscope.scope.ScopeException naming the entry that cannot be used; the scope in force stays */
    public synchronized ProcessScope change(ProcessScope wanted) {
        ResolvedScope resolved = settings.replace(wanted);
        tracer.applyScope(resolved);
        LOG.infof("scope changed: %s", wanted.limited() ? wanted : "every process");
        return wanted;
    }
}
