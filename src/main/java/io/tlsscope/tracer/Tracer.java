package io.tlsscope.tracer;

import io.quarkus.runtime.ShutdownEvent;
import io.tlsscope.bpf.LibbpfException;
import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.capture.CapturePipeline;
import io.tlsscope.capture.ProcessEvent;
import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.counters.Counter;
import io.tlsscope.counters.CounterReading;
import io.tlsscope.counters.CounterSource;
import io.tlsscope.discovery.Discovery;
import io.tlsscope.discovery.GoHookPolicy;
import io.tlsscope.discovery.LibraryKey;
import io.tlsscope.discovery.LibraryRegistry;
import io.tlsscope.discovery.ProcessScanner;
import io.tlsscope.events.LibraryRef;
import io.tlsscope.kernel.KernelSession;
import io.tlsscope.kernel.KernelSettings;
import io.tlsscope.kernel.KernelStartException;
import io.tlsscope.scope.ExecutableScopeFilter;
import io.tlsscope.scope.ResolvedScope;
import io.tlsscope.scope.ScopeException;
import io.tlsscope.scope.ScopeSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The life of tracing in this process: {@link #start()} opens the kernel session, wires discovery
 * to it and the ring buffer to the capture pipeline, and scans the host; {@link #stop()} takes it
 * all down in reverse. Fail-open: any failure leaves the service up, with state DOWN and a reason.
 * Started by the serve command (and by the test profile), not by the framework's start-up.
 */
@ApplicationScoped
public class Tracer implements CounterSource {
    private static final Logger LOG = Logger.getLogger(Tracer.class);
    private static final Path PROC = Path.of("/proc");
    private static final Counter START_FAILURES = Counter.total("tracer.start-failures",
            "times the kernel side failed to start (see /q/health)");

    /** One tracing run's parts, for the control operations and views; immutable. */
    public record Running(KernelSession kernel, LibraryRegistry registry, Discovery discovery, GoHookPolicy goHooks) {
    }

    private final TlsscopeConfig config;
    private final CapturePipeline pipeline;
    private final ScopeSettings scope;
    private final AtomicLong startFailures = new AtomicLong();
    private volatile TracerState state = new TracerState(TracerState.Status.STARTING, "starting");
    /** Written under this object's lock by start/stop, read lock-free by request threads. */
    private volatile Running running;
    /** The executables (by inode) of the scope the running kernel side has; under this object's lock. */
    private Set<LibraryKey> appliedExecutables = Set.of();
    private final ExecutableFollower executableFollower;

    public Tracer(TlsscopeConfig config, CapturePipeline pipeline, ScopeSettings scope) {
        this.config = config;
        this.pipeline = pipeline;
        this.scope = scope;
        this.executableFollower = new ExecutableFollower(scope, this::followReplacedExecutables);
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        stop();
        executableFollower.close();
    }

    /** Starts tracing unless configuration disables it; the state says how it went. */
    public synchronized void start() {
        if (running != null) {
            return;
        }
        if (!config.tracer().enabled()) {
            state = new TracerState(TracerState.Status.DISABLED, "tracing disabled (tlsscope.tracer.enabled=false)");
            return;
        }
        KernelSession kernel = null;
        Discovery discovery = null;
        try {
            int self = (int) ProcessHandle.current().pid();
            kernel = KernelSession.open(new KernelSettings(self, config.capture().maxBytesPerCall(), config.tracer().ringBufferBytes(),
                    config.capture().responseBudgetBytes(), config.capture().responseTailBytes(), config.tracer().userMemoryReads()));
            ResolvedScope inScope = scope.resolve();
            kernel.applyScope(inScope); // before any probe is attached
            appliedExecutables = inScope.executables();
            GoHookPolicy goHooks = new GoHookPolicy(config.go().hooksEnabled());
            LibraryRegistry registry = new LibraryRegistry(kernel.attacher(), goHooks);
            registry.applyScope(ExecutableScopeFilter.of(inScope, PROC)); // empty yet: discovery has not started
            discovery = new Discovery(new ProcessScanner(PROC, self), registry, config.tracer().execRescanDelays(),
                    config.tracer().detachGrace(), kernel::processRecordsLost);
            kernel.startReading(pipeline.recordsOf(new RunRecords(kernel, registry, discovery, executableFollower)));
            running = new Running(kernel, registry, discovery, goHooks);
            long scanStart = System.nanoTime();
            int processes = discovery.scanAll();
            state = TracerState.up();
            LOG.infof("tracing: %d processes use TLS libraries, %d libraries attached in %d ms; user memory read by %s", processes,
                    registry.snapshots().size(), (System.nanoTime() - scanStart) / 1_000_000, kernel.userMemoryReads().settingValue());
        } catch (RuntimeException e) {
            // fail-open: whatever broke, the API stays up and says why tracing is not running
            startFailures.incrementAndGet();
            String reason = e instanceof ScopeException badScope ? "tlsscope.scope." + badScope.field() + ": " + badScope.getMessage()
                    : e instanceof KernelStartException || e instanceof LibbpfException ? e.getMessage() : "unexpected failure: " + e;
            LOG.errorf("tracing is DOWN, the service keeps serving its API: %s", reason);
            LOG.debug("tracer start failure", e);
            running = null;
            close(discovery, kernel);
            state = TracerState.down(reason);
        }
    }

    /** Where the records of one run come from and where its process events go. */
    private record RunRecords(KernelSession kernel, LibraryRegistry registry, Discovery discovery, ExecutableFollower executables)
            implements CapturePipeline.Run {
        @Override
        public void responseDirection(long connectionId, Direction response) {
            kernel.responseDirection(connectionId, response);
        }

        @Override
        public LibraryRef library(int libraryId) {
            Optional<LibraryKey> key = registry.keyOf(libraryId);
            return new LibraryRef(libraryId, key.map(LibraryKey::device).orElse(null), key.map(LibraryKey::inode).orElse(null));
        }

        @Override
        public void processEvent(ProcessEvent event) {
            switch (event.kind()) {
                case EXEC -> {
                    discovery.onExec(event.pid());
                    executables.execSeen();
                }
                case EXIT -> discovery.onExit(event.pid());
                case FORK -> discovery.onFork(event.parentPid(), event.pid());
                case TLS_LIBRARY_MAPPED -> discovery.onTlsLibraryMapped(event.pid());
            }
        }
    }

    /** Puts a changed scope into the running kernel side; a start in the meantime has read it already. */
    synchronized void applyScope(ResolvedScope processes) {
        Running current = running;
        if (current != null) {
            current.kernel().applyScope(processes);
            appliedExecutables = processes.executables();
            try {
                current.discovery().onDiscoveryThread(() -> {
                    current.registry().applyScope(ExecutableScopeFilter.of(processes, PROC));
                    return null;
                });
            } catch (IllegalStateException refused) {
                throw new TracerControlException(TracerControlException.Reason.TRACER_DOWN, "the kernel filters by the new scope, "
                        + "but which libraries are attached could not follow it: " + refused.getMessage());
            }
        }
    }

    /**
     * Keeps a scope by executable on its paths through a package upgrade. The kernel and discovery
     * match executables by inode, and an upgrade renames a new file over the path: the upgraded
     * server, started from the new inode, would be out of scope until a restart or an operator's PUT.
     * After an exec the paths are resolved again and a changed inode is applied as a scope change.
     * Resolving under this lock orders it with an operator's change: whichever applies last applies
     * the scope written last. A path missing mid-upgrade leaves the scope as it is until the next exec.
     */
    synchronized void followReplacedExecutables() {
        if (running == null) {
            return; // the next start resolves the paths afresh
        }
        ResolvedScope now;
        try {
            now = scope.resolve();
        } catch (ScopeException missing) {
            LOG.debugf("scope not re-resolved after an exec: %s", missing.getMessage());
            return;
        }
        if (!now.executables().equals(appliedExecutables)) {
            LOG.infof("scope: an executable it names was replaced on disk (an upgrade?); following the new file of %s",
                    now.written().executables());
            applyScope(now);
        }
    }

    /** Stops tracing: discovery and every probe first, then the kernel session. Idempotent. */
    public synchronized void stop() {
        Running current = running;
        running = null;
        if (current != null) {
            close(current.discovery(), current.kernel());
        }
        if (state.status() == TracerState.Status.UP) {
            state = new TracerState(TracerState.Status.DOWN, "stopped");
        }
    }

    private static void close(Discovery discovery, KernelSession kernel) {
        if (discovery != null) {
            discovery.close();
        }
        if (kernel != null) {
            kernel.close();
        }
    }

    /** Whether tracing runs, and if not, why; a ring-buffer reader that stopped by itself makes it DOWN. */
    public TracerState state() {
        Running current = running;
        if (current != null) {
            Optional<String> failure = current.kernel().readerFailure();
            if (failure.isPresent()) {
                return TracerState.down(failure.get());
            }
        }
        return state;
    }

    /** The parts of the tracing run, while one is up. */
    public Optional<Running> running() {
        return Optional.ofNullable(running);
    }

    @Override
    public String owner() {
        return "tracer";
    }

    @Override
    public List<CounterReading> read() {
        return List.of(START_FAILURES.reading(startFailures.get()));
    }
}
