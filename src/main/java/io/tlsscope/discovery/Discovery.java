package io.tlsscope.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Keeps the library registry in step with the processes on the host: one full /proc scan at
 * start, then what the kernel reports. An exec is scanned at once (its executable may carry TLS
 * code: Go, static OpenSSL); when the dynamic loader (or a dlopen) maps a libssl file executable,
 * the kernel says so and the process is scanned then; a rescan after the exec delays is the
 * safety net for a lost record. A fork passes the parent's libraries on to the child, so every
 * user of an inode is known without walking /proc. When the last user of a library exits, its
 * probes stay for a grace period (short-lived processes of one binary do not cause attach and
 * detach churn), and are removed after it if still nobody uses them; only when process records
 * were lost (ring buffer full) is /proc walked first, for users discovery may have missed.
 *
 * <p>Every registry change happens on the one discovery thread, in order; operators' changes (Go
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
    private final Duration detachGrace;
    private final LongSupplier processRecordsLost;
    /** Process records lost as of the last full /proc walk: more since means users may be unknown. */
    private long lostAtLastWalk;
    /**
     * Processes with a scan queued and not yet run: a burst of requests (a wrapper's exec, the real
     * program's exec, its library mappings) is one scan, which sees the latest state.
     */
    private final Set<Integer> scansQueued = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().name("tlsscope-discovery").daemon().unstarted(runnable));

    /**
     * @param execRescanDelays   when an exec'd process is scanned (0 ms: at once)
     * @param detachGrace        how long an inode nobody uses keeps its probes
     * @param processRecordsLost exec/exit/fork/mapped records the kernel could not deliver, over all time
     */
    public Discovery(ProcessScanner scanner, LibraryRegistry registry, List<Duration> execRescanDelays, Duration detachGrace,
                     LongSupplier processRecordsLost) {
        this.scanner = scanner;
        this.registry = registry;
        this.execRescanDelays = List.copyOf(execRescanDelays);
        this.detachGrace = detachGrace;
        this.processRecordsLost = processRecordsLost;
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
        lostAtLastWalk = processRecordsLost.getAsLong();
        int traced = 0;
        for (int pid : scanner.pids()) {
            if (scan(pid)) {
                traced++;
            }
        }
        return traced;
    }

    /**
     * The kernel saw pid exec: what it mapped before is gone, and its new executable and libraries
     * are looked for after the rescan delays. Any thread, never blocks.
     */
    public void onExec(int pid) {
        run("exec of pid " + pid, () -> lastUsersGone(registry.processExited(pid)));
        for (Duration delay : execRescanDelays) {
            schedule("exec of pid " + pid, () -> requestScan(pid), delay);
        }
    }

    /** The kernel saw pid map a libssl file executable: scanned now. Any thread, never blocks. */
    public void onTlsLibraryMapped(int pid) {
        requestScan(pid);
    }

    /** A scan of pid soon, unless one is queued already (it will see what this one would). */
    private void requestScan(int pid) {
        if (scansQueued.add(pid)) {
            run("scan of pid " + pid, () -> {
                scansQueued.remove(pid);
                scan(pid);
            });
        }
    }

    /** The kernel saw parent fork child: the child uses what its parent uses. Any thread, never blocks. */
    public void onFork(int parent, int child) {
        run("fork of pid " + parent, () -> registry.processForked(parent, child));
    }

    /** The kernel saw pid exit: libraries nobody uses any more are detached after the grace period. Any thread, never blocks. */
    public void onExit(int pid) {
        run("exit of pid " + pid, () -> lastUsersGone(registry.processExited(pid)));
    }

    private void run(String what, Runnable task) {
        schedule(what, task, Duration.ZERO);
    }

    private void schedule(String what, Runnable task, Duration delay) {
        try {
            thread.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            LOG.debugf("%s after discovery stopped", what);
        }
    }

    private void lastUsersGone(List<LibraryKey> keys) {
        for (LibraryKey key : keys) {
            schedule("detach of " + key, () -> detachIfStillUnused(key), detachGrace);
        }
    }

    /**
     * The grace period of key is over. If process records were lost since the last /proc walk,
     * users may exist that discovery never heard of: walk /proc for them first.
     */
    private void detachIfStillUnused(LibraryKey key) {
        if (!registry.isUnused(key)) {
            return;
        }
        long lost = processRecordsLost.getAsLong();
        if (lost != lostAtLastWalk) {
            LOG.infof("%d process records were lost: looking for users of %s in /proc before detaching", lost - lostAtLastWalk, key);
            scanAllProcesses();
        }
        registry.detachUnused(key);
    }

    private boolean scan(int pid) {
        try {
            List<LibraryMapping> mappings = scanner.tlsLibraries(pid);
            mappings.forEach(registry::processUses);
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
