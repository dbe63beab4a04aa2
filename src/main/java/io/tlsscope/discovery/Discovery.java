package io.tlsscope.discovery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * Keeps the library registry in step with the processes on the host: one full /proc scan at
 * start, then exec and exit events from the kernel. At exec time the dynamic loader has not
 * mapped the libraries yet, so each exec is rescanned after a few short delays (no polling timer).
 * Every registry change happens on the one discovery thread, in order; operators' changes (Go
 * hooks) are handed to it too, so the registry needs no lock and readers never wait behind an
 * ELF parse or a uprobe syscall.
 */
public final class Discovery implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Discovery.class);
    /** How long an operator's change may wait for the discovery thread before the caller is told. */
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(30);

    private final ProcessScanner scanner;
    private final LibraryRegistry registry;
    private final List<Duration> execRescanDelays;
    private final IntConsumer onNewTracedProcess;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().name("tlsscope-discovery").daemon().unstarted(runnable));

    /**
     * @param onNewTracedProcess called on the discovery thread for each process found to use a
     *                           TLS library, once (e.g. to seed its existing connections)
     */
    public Discovery(ProcessScanner scanner, LibraryRegistry registry, List<Duration> execRescanDelays,
                     IntConsumer onNewTracedProcess) {
        this.scanner = scanner;
        this.registry = registry;
        this.execRescanDelays = List.copyOf(execRescanDelays);
        this.onNewTracedProcess = onNewTracedProcess;
    }

    /** Scans every process now (on the discovery thread) and waits; returns how many use TLS libraries. */
    public int scanAll() {
        return onDiscoveryThread(this::scanAllProcesses);
    }

    /**
     * Runs a change on the discovery thread and waits for its result: how operators change what
     * is attached without racing discovery.
     *
     * @throws IllegalStateException when discovery has stopped or the change did not finish in time
     */
    public <T> T onDiscoveryThread(Callable<T> change) {
        try {
            return thread.submit(change).get(CHANGE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("discovery is busy: the change did not finish within " + CHANGE_TIMEOUT.toSeconds() + " s");
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("discovery has stopped", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for discovery", e);
        }
    }

    private int scanAllProcesses() {
        int traced = 0;
        for (int pid : scanner.pids()) {
            if (scan(pid)) {
                traced++;
            }
        }
        return traced;
    }

    /** The kernel saw pid exec: its libraries are looked for after the rescan delays. Any thread, never blocks. */
    public void onExec(int pid) {
        try {
            for (Duration delay : execRescanDelays) {
                thread.schedule(() -> scan(pid), delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException stopping) {
            LOG.debugf("exec of pid %d after discovery stopped", pid);
        }
    }

    /** The kernel saw pid exit: libraries nobody maps any more are detached. Any thread, never blocks. */
    public void onExit(int pid) {
        try {
            thread.execute(() -> exited(pid));
        } catch (RejectedExecutionException stopping) {
            LOG.debugf("exit of pid %d after discovery stopped", pid);
        }
    }

    private void exited(int pid) {
        for (LibraryKey key : registry.processExited(pid)) {
            detachUnlessStillMapped(key);
        }
    }

    /**
     * The last known user of key is gone; processes that were forked without exec may still map
     * it (they were never scanned), so look for them before removing the probes.
     */
    private void detachUnlessStillMapped(LibraryKey key) {
        boolean stillMapped = false;
        for (int pid : scanner.pids()) {
            for (LibraryMapping mapping : scanner.tlsLibraries(pid)) {
                if (mapping.key().equals(key)) {
                    registry.processUses(mapping);
                    stillMapped = true;
                }
            }
        }
        if (!stillMapped) {
            registry.detachUnused(key);
        }
    }

    private boolean scan(int pid) {
        try {
            boolean wasKnown = registry.isKnown(pid);
            List<LibraryMapping> mappings = scanner.tlsLibraries(pid);
            mappings.forEach(registry::processUses);
            if (!wasKnown && !mappings.isEmpty()) {
                onNewTracedProcess.accept(pid);
            }
            return !mappings.isEmpty();
        } catch (RuntimeException e) {
            LOG.warnf("discovery of pid %d failed: %s", pid, e.getMessage());
            return false;
        }
    }

    /** Stops the discovery thread, then removes every probe. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("discovery did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.detachAll();
    }
}
