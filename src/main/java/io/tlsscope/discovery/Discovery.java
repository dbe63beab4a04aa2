package io.tlsscope.discovery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * Keeps the library registry in step with the processes on the host: one full /proc scan at
 * start, then exec and exit events from the kernel. At exec time the dynamic loader has not
 * mapped the libraries yet, so each exec is rescanned after a few short delays (no polling timer).
 * All registry changes happen on one discovery thread, in order.
 */
public final class Discovery implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Discovery.class);

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
        try {
            return thread.submit(this::scanAllProcesses).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("scan /proc: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
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

    public void onExec(int pid) {
        for (Duration delay : execRescanDelays) {
            thread.schedule(() -> scan(pid), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    public void onExit(int pid) {
        thread.execute(() -> {
            for (LibraryKey key : registry.processExited(pid)) {
                detachUnlessStillMapped(key);
            }
        });
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

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
