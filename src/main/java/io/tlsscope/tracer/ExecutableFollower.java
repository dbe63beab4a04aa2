package io.tlsscope.tracer;

import io.tlsscope.scope.ScopeSettings;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs the check that keeps a scope by executable on its paths ({@link Tracer#followReplacedExecutables})
 * after execs, on a thread of its own: the exec records arrive on the ring-buffer thread, which must
 * never wait, and the check resolves paths and may re-apply the scope (kernel map writes, a
 * discovery round). Execs that come while a check is queued share it. A scope without executables
 * costs one read per exec.
 */
final class ExecutableFollower implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ExecutableFollower.class);

    private final ScopeSettings settings;
    private final Runnable check;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("tlsscope-scope-follow").daemon().factory());
    private final AtomicBoolean queued = new AtomicBoolean();

    ExecutableFollower(ScopeSettings settings, Runnable check) {
        this.settings = settings;
        this.check = check;
    }

    /** After any exec on the host; never blocks. */
    void execSeen() {
        if (settings.written().executables().isEmpty() || !queued.compareAndSet(false, true)) {
            return;
        }
        thread.execute(() -> {
            queued.set(false); // an exec from now on is checked again: this check may have read the paths before it
            try {
                check.run();
            } catch (RuntimeException e) {
                LOG.warnf("the scope could not follow a replaced executable; it follows at the next exec: %s", e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
