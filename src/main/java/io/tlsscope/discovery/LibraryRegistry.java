package io.tlsscope.discovery;

import java.util.ArrayList;
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
 * TLS libraries by inode, each attached once however many processes map it, with the set of
 * processes using it; the probes are removed when the last of them exits. Ids are never reused,
 * so an event's library id stays unambiguous. Thread-safe.
 */
public final class LibraryRegistry {
    private static final Logger LOG = Logger.getLogger(LibraryRegistry.class);

    private final LibraryAttacher attacher;
    private final Map<LibraryKey, Entry> byKey = new LinkedHashMap<>();
    private final Map<Integer, Set<LibraryKey>> keysByPid = new HashMap<>();
    /** Every id ever given, kept after detach so late events still name their inode. Lock-free reads. */
    private final Map<Integer, LibraryKey> keysById = new ConcurrentHashMap<>();
    private final AtomicLong attachFailures = new AtomicLong();
    private int nextId = 1;

    public LibraryRegistry(LibraryAttacher attacher) {
        this.attacher = attacher;
    }

    /** What the REST API shows of one library. */
    public record LibraryView(int id, String device, long inode, List<String> paths, String kind, String version,
                              String layout, List<Integer> pids, List<String> probes, String attachError) {
    }

    private static final class Entry {
        final int id;
        final LibraryKey key;
        final Set<String> paths = new TreeSet<>();
        final Set<Integer> pids = new TreeSet<>();
        LibraryAttacher.Attachment attachment;
        String attachError;

        Entry(int id, LibraryKey key) {
            this.id = id;
            this.key = key;
        }

        LibraryView view() {
            LibraryAttacher.Attachment a = attachment;
            return new LibraryView(id, key.device(), key.inode(), List.copyOf(paths),
                    a == null ? null : a.kind(), a == null ? null : a.version(), a == null ? null : a.layout(),
                    List.copyOf(pids), a == null ? List.of() : a.probes(), attachError);
        }
    }

    /**
     * Records that mapping.pid() uses the library; attaches it if this inode is new.
     *
     * @return true when the process was not known to use this library before
     */
    public synchronized boolean processUses(LibraryMapping mapping) {
        Entry entry = byKey.get(mapping.key());
        if (entry == null) {
            entry = new Entry(nextId++, mapping.key());
            byKey.put(mapping.key(), entry);
            keysById.put(entry.id, entry.key);
            attach(entry, mapping);
        }
        entry.paths.add(mapping.file().path());
        keysByPid.computeIfAbsent(mapping.pid(), pid -> new HashSet<>()).add(mapping.key());
        return entry.pids.add(mapping.pid());
    }

    private void attach(Entry entry, LibraryMapping mapping) {
        try {
            entry.attachment = attacher.attach(entry.id, mapping);
            LOG.infof("attached %s (%s, id %d) via %s: %s", mapping.file().path(), entry.key, entry.id,
                    mapping.openPath(), entry.attachment.probes());
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
    public synchronized List<LibraryKey> processExited(int pid) {
        Set<LibraryKey> keys = keysByPid.remove(pid);
        if (keys == null) {
            return List.of();
        }
        List<LibraryKey> lastUser = new ArrayList<>();
        for (LibraryKey key : keys) {
            Entry entry = byKey.get(key);
            if (entry != null && entry.pids.remove(pid) && entry.pids.isEmpty()) {
                lastUser.add(key);
            }
        }
        return lastUser;
    }

    /** Removes the probes of key, unless a process was recorded as using it meanwhile. */
    public synchronized void detachUnused(LibraryKey key) {
        Entry entry = byKey.get(key);
        if (entry != null && entry.pids.isEmpty()) {
            byKey.remove(key);
            detach(entry);
        }
    }

    private static void detach(Entry entry) {
        if (entry.attachment != null) {
            entry.attachment.detach().run();
            LOG.infof("detached %s (id %d): no process uses it any more", entry.key, entry.id);
        }
    }

    public synchronized boolean isKnown(int pid) {
        return keysByPid.containsKey(pid);
    }

    public synchronized List<LibraryView> libraries() {
        List<LibraryView> views = new ArrayList<>();
        byKey.values().forEach(entry -> views.add(entry.view()));
        return views;
    }

    public synchronized Optional<LibraryView> byId(int id) {
        return byKey.values().stream().filter(entry -> entry.id == id).findFirst().map(Entry::view);
    }

    /** The inode behind a library id, also after it was detached; called for every event. */
    public Optional<LibraryKey> keyOf(int id) {
        return Optional.ofNullable(keysById.get(id));
    }

    /** Attachments that failed (each library counted once). */
    public long attachFailures() {
        return attachFailures.get();
    }

    /** Removes every probe; the registry is empty afterwards. */
    public synchronized void detachAll() {
        byKey.values().forEach(LibraryRegistry::detach);
        byKey.clear();
        keysByPid.clear();
    }
}
