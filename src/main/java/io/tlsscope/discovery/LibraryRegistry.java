package io.tlsscope.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * TLS libraries by inode, each attached once however many processes map it, with the processes
 * using it; the probes are removed when the last of them is gone. Ids are never reused, so an
 * event's library id stays unambiguous.
 *
 * <p>Thread confinement: every change runs on the discovery thread (attaching included, which parses
 * ELF files and creates uprobes), so no lock is held anywhere. Other threads read
 * {@link #snapshots()}, {@link #keyOf(int)} and the counters, which are published after each change.
 */
public final class LibraryRegistry {
    private static final Logger LOG = Logger.getLogger(LibraryRegistry.class);

    private final LibraryAttacher attacher;
    private final GoHookPolicy goHooks;
    private volatile ProcessFilter scope = ProcessFilter.EVERY_PROCESS;
    private final Map<LibraryKey, Entry> byKey = new LinkedHashMap<>();
    private final Map<Integer, Set<LibraryKey>> keysByPid = new HashMap<>();
    /** What other threads read: one immutable snapshot per library, replaced after each change. */
    private final Map<LibraryKey, LibrarySnapshot> published = new ConcurrentHashMap<>();
    /** Every id ever given, kept after detach so late events still name their inode. */
    private final Map<Integer, LibraryKey> keysById = new ConcurrentHashMap<>();
    private final AtomicLong attachFailures = new AtomicLong();
    private final AtomicLong inodesReused = new AtomicLong();
    private int nextId = 1;

    private static final class Entry {
        final int id;
        final LibraryKey key;
        final FileVersion version;
        final LibraryKind kind;
        /** The latest mapping seen: what a re-attach opens (its process is likely alive). */
        LibraryMapping mapping;
        final Set<String> paths = new TreeSet<>();
        final Set<Integer> pids = new TreeSet<>();
        LibraryAttacher.Attachment attachment;
        String attachError;

        Entry(int id, LibraryMapping mapping) {
            this.id = id;
            this.key = mapping.key();
            this.version = mapping.version();
            this.kind = mapping.kind();
            this.mapping = mapping;
        }
    }

    public LibraryRegistry(LibraryAttacher attacher, GoHookPolicy goHooks) {
        this.attacher = attacher;
        this.goHooks = goHooks;
    }

    /**
     * Records that mapping.pid() uses the library; attaches it if this inode is new.
     *
     * @return true when the process was not known to use this library before
     */
    public boolean processUses(LibraryMapping mapping) {
        Entry entry = byKey.get(mapping.key());
        if (entry != null && !entry.version.equals(mapping.version())) {
            // the inode number now belongs to another file: the old probes and pids are stale
            LOG.infof("%s now holds another file (%s, was %s): attaching it afresh", mapping.key(), mapping.version(), entry.version);
            inodesReused.incrementAndGet();
            remove(entry, "its inode now holds another file");
            entry.pids.forEach(pid -> forgetUse(pid, mapping.key()));
            entry = null;
        }
        if (entry == null) {
            entry = new Entry(nextId++, mapping);
            byKey.put(mapping.key(), entry);
            keysById.put(entry.id, entry.key);
        }
        entry.mapping = mapping;
        entry.paths.add(mapping.file().path());
        keysByPid.computeIfAbsent(mapping.pid(), pid -> new HashSet<>()).add(mapping.key());
        boolean newUser = entry.pids.add(mapping.pid());
        if (entry.attachment == null && wanted(entry)) {
            // new, used by a process in scope for the first time, or the last attempt failed (e.g. the
            // process whose /proc/PID/root path it used exited meanwhile): attach through this mapping
            attach(entry, mapping);
        }
        publish(entry);
        return newUser;
    }

    private void attach(Entry entry, LibraryMapping mapping) {
        long start = System.nanoTime();
        entry.attachError = null;
        try {
            entry.attachment = attacher.attach(entry.id, mapping);
            LOG.infof("attached %s (%s, id %d) via %s in %d ms: %s", mapping.file().path(), entry.key, entry.id,
                    mapping.openPath(), (System.nanoTime() - start) / 1_000_000, entry.attachment.library().probes());
        } catch (LibraryAttacher.AttachException e) {
            attachFailures.incrementAndGet();
            entry.attachError = e.getMessage();
            LOG.warnf("tracing degraded: %s", e.getMessage());
        }
    }

    /**
     * Forgets pid. Returns the libraries it was the last known user of: they stay attached until
     * {@link #detachUnused} is called, because forked children that never exec'd (e.g. daemons,
     * PostgreSQL backends) may still map them without being known here.
     */
    public List<LibraryKey> processExited(int pid) {
        scope.forget(pid);
        Set<LibraryKey> keys = keysByPid.remove(pid);
        if (keys == null) {
            return List.of();
        }
        List<LibraryKey> lastUser = new ArrayList<>();
        for (LibraryKey key : keys) {
            Entry entry = byKey.get(key);
            if (entry != null && entry.pids.remove(pid)) {
                publish(entry);
                if (entry.pids.isEmpty() || entry.attachment != null && !wanted(entry)) {
                    lastUser.add(key);
                }
            }
        }
        return lastUser;
    }

    /**
     * A new process forked from parent: it maps what its parent maps, so it uses the same
     * libraries (PostgreSQL backends, daemons' workers), without a /proc scan.
     */
    public void processForked(int parent, int child) {
        Set<LibraryKey> keys = keysByPid.get(parent);
        if (keys == null) {
            return;
        }
        keysByPid.put(child, new HashSet<>(keys));
        for (LibraryKey key : keys) {
            Entry entry = byKey.get(key);
            if (entry != null && entry.pids.add(child)) {
                publish(entry);
            }
        }
    }

    private void forgetUse(int pid, LibraryKey key) {
        Set<LibraryKey> keys = keysByPid.get(pid);
        if (keys != null && keys.remove(key) && keys.isEmpty()) {
            keysByPid.remove(pid);
        }
    }

    /**
     * Removes the probes of key, unless a process was recorded as using it meanwhile; keeps knowing
     * it while processes outside the scope use it.
     */
    public void detachUnused(LibraryKey key) {
        Entry entry = byKey.get(key);
        if (entry != null && entry.pids.isEmpty()) {
            remove(entry, "no process uses it any more");
        } else if (entry != null && entry.attachment != null && !wanted(entry)) {
            detach(entry, "no process in scope uses it any more");
            publish(entry);
        }
    }

    /** Whether key is known and no process (in scope) is recorded as using it. */
    public boolean isUnused(LibraryKey key) {
        Entry entry = byKey.get(key);
        return entry != null && (entry.pids.isEmpty() || entry.attachment != null && !wanted(entry));
    }

    /** Probes for a library that an operator wants probed (Go hooks) and that a process in scope uses. */
    private boolean wanted(Entry entry) {
        return probesOff(entry) == null;
    }

    /** Why an operator's choice leaves a library without probes (Go hooks off, or no process in scope uses it); null when it wants them. */
    private String probesOff(Entry entry) {
        if (!goHooks.wants(entry.key, entry.kind)) {
            return "Go hooks are switched off for it";
        }
        // no user at all is not a question of scope: the grace period decides (detachUnused)
        if (!entry.pids.isEmpty() && entry.pids.stream().noneMatch(scope::includes)) {
            return "no process in scope uses it (tlsscope.scope)";
        }
        return null;
    }

    /** Attaches and detaches every library to match a changed scope. */
    public void applyScope(ProcessFilter processes) {
        scope = processes;
        for (Entry entry : byKey.values()) {
            boolean wanted = wanted(entry);
            if (wanted && entry.attachment == null) {
                attach(entry, entry.mapping);
            } else if (!wanted && entry.attachment != null && goHooks.wants(entry.key, entry.kind)) {
                detach(entry, "no process in scope uses it");
            }
            publish(entry);
        }
    }

    private void remove(Entry entry, String why) {
        byKey.remove(entry.key);
        published.remove(entry.key);
        detach(entry, why);
    }

    private static void detach(Entry entry, String why) {
        if (entry.attachment != null) {
            entry.attachment.detach().run();
            entry.attachment = null;
            LOG.infof("detached %s (id %d): %s", entry.key, entry.id, why);
        }
    }

    /** Attaches or detaches Go executables' probes to match the policy (after an operator switched it). */
    public void applyGoHooks() {
        for (Entry entry : byKey.values()) {
            if (entry.kind != LibraryKind.GO) {
                continue;
            }
            boolean wanted = wanted(entry);
            if (wanted && entry.attachment == null) {
                attach(entry, entry.mapping);
            } else if (!wanted && entry.attachment != null) {
                detach(entry, "Go hooks switched off");
            }
            publish(entry);
        }
    }

    private void publish(Entry entry) {
        LibraryAttacher.Attachment attachment = entry.attachment;
        published.put(entry.key, new LibrarySnapshot(entry.id, entry.key, entry.kind, List.copyOf(entry.paths),
                List.copyOf(entry.pids), attachment == null ? null : attachment.library(), entry.attachError,
                goHooks.wants(entry.key, entry.kind), attachment == null && entry.attachError == null ? probesOff(entry) : null));
    }

    /** Every known library as of the last change, by id; any thread. */
    public List<LibrarySnapshot> snapshots() {
        return published.values().stream().sorted(Comparator.comparingInt(LibrarySnapshot::id)).toList();
    }

    /** The known library with this key; any thread. */
    public Optional<LibrarySnapshot> snapshot(LibraryKey key) {
        return Optional.ofNullable(published.get(key));
    }

    /** The inode behind a library id, also after it was detached; any thread, called for every event. */
    public Optional<LibraryKey> keyOf(int id) {
        return Optional.ofNullable(keysById.get(id));
    }

    /** Attachments that failed (each library counted once); any thread. */
    public long attachFailures() {
        return attachFailures.get();
    }

    /** Times a known inode was found holding another file (deleted, number reused); any thread. */
    public long inodesReused() {
        return inodesReused.get();
    }

    /** Removes every probe; the registry is empty afterwards. */
    public void detachAll() {
        byKey.values().forEach(entry -> detach(entry, "tracing stops"));
        byKey.clear();
        published.clear();
        keysByPid.clear();
    }
}
