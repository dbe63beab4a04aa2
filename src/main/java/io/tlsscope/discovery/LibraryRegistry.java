package io.tlsscope.discovery;

import io.tlsscope.openssl.LayoutChoice;
import io.tlsscope.openssl.OpenSslLayout;
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
    private final AtomicLong inodesReused = new AtomicLong();
    /** Go hooks for all Go executables, and per executable where an operator said otherwise. */
    private boolean goHooksEnabled = true;
    private final Map<LibraryKey, Boolean> goHooksByKey = new HashMap<>();
    private int nextId = 1;

    public LibraryRegistry(LibraryAttacher attacher) {
        this.attacher = attacher;
    }

    /**
     * What the REST API shows of one library.
     *
     * @param layoutSource detected, forced, scan or off (see LayoutChoice.Source)
     * @param hooksEnabled false while an operator has switched this library's probes off (Go hooks)
     */
    public record LibraryView(int id, String device, long inode, List<String> paths, String kind, String family,
                              String version, String layout, String layoutSource, String layoutReason,
                              List<Integer> pids, List<String> probes, boolean hooksEnabled, String attachError) {
    }

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

        LibraryView view(boolean hooksEnabled) {
            LibraryAttacher.Attachment a = attachment;
            if (a == null) {
                return new LibraryView(id, key.device(), key.inode(), List.copyOf(paths), kindName(), null, null, null, null,
                        null, List.copyOf(pids), List.of(), hooksEnabled, attachError);
            }
            LayoutChoice layout = a.layout() == null ? null : a.layout().current();
            return new LibraryView(id, key.device(), key.inode(), List.copyOf(paths), a.kind(), a.family(), a.version(),
                    layout == null ? null : layout.layoutName(), layout == null ? null : layout.source().jsonName(),
                    layout == null ? null : layout.reason(), List.copyOf(pids), a.probes(), hooksEnabled, null);
        }

        String kindName() {
            return kind == LibraryKind.GO ? LibraryKind.GO_NAME : null;
        }
    }

    /**
     * Records that mapping.pid() uses the library; attaches it if this inode is new.
     *
     * @return true when the process was not known to use this library before
     */
    public synchronized boolean processUses(LibraryMapping mapping) {
        Entry entry = byKey.get(mapping.key());
        if (entry != null && !entry.version.equals(mapping.version())) {
            // the inode number now belongs to another file: the old probes and pids are stale
            LOG.infof("%s now holds another file (%s, was %s): attaching it afresh", mapping.key(), mapping.version(), entry.version);
            inodesReused.incrementAndGet();
            byKey.remove(mapping.key());
            entry.pids.forEach(pid -> forgetUse(pid, mapping.key()));
            detach(entry);
            entry = null;
        }
        if (entry == null) {
            entry = new Entry(nextId++, mapping);
            byKey.put(mapping.key(), entry);
            keysById.put(entry.id, entry.key);
            if (hooksWanted(entry)) {
                attach(entry, mapping);
            }
        } else if (entry.attachment == null && entry.attachError != null && hooksWanted(entry)) {
            // the last attempt failed, e.g. the process whose /proc/PID/root path it used exited
            // meanwhile: this process maps the file now, so try again through it
            attach(entry, mapping);
        }
        entry.mapping = mapping;
        entry.paths.add(mapping.file().path());
        keysByPid.computeIfAbsent(mapping.pid(), pid -> new HashSet<>()).add(mapping.key());
        return entry.pids.add(mapping.pid());
    }

    private void attach(Entry entry, LibraryMapping mapping) {
        long start = System.nanoTime();
        entry.attachError = null;
        try {
            entry.attachment = attacher.attach(entry.id, mapping);
            LOG.infof("attached %s (%s, id %d) via %s in %d ms: %s", mapping.file().path(), entry.key, entry.id,
                    mapping.openPath(), (System.nanoTime() - start) / 1_000_000, entry.attachment.probes());
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

    private void forgetUse(int pid, LibraryKey key) {
        Set<LibraryKey> keys = keysByPid.get(pid);
        if (keys != null && keys.remove(key) && keys.isEmpty()) {
            keysByPid.remove(pid);
        }
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
        detach(entry, "no process uses it any more");
    }

    private static void detach(Entry entry, String why) {
        if (entry.attachment != null) {
            entry.attachment.detach().run();
            entry.attachment = null;
            LOG.infof("detached %s (id %d): %s", entry.key, entry.id, why);
        }
    }

    private LibraryView view(Entry entry) {
        return entry.view(hooksWanted(entry));
    }

    private boolean hooksWanted(Entry entry) {
        return entry.kind != LibraryKind.GO || goHooksByKey.getOrDefault(entry.key, goHooksEnabled);
    }

    /** Attaches or detaches a Go library's probes to match the switches; OpenSSL libraries are left alone. */
    private void applyGoHooks(Entry entry) {
        boolean wanted = hooksWanted(entry);
        if (wanted && entry.attachment == null) {
            attach(entry, entry.mapping);
        } else if (!wanted && entry.attachment != null) {
            detach(entry, "Go hooks switched off");
        }
    }

    /** Switches the probes of every Go executable off or on (detaching or attaching them now). */
    public synchronized void setGoHooks(boolean enabled) {
        goHooksEnabled = enabled;
        goHooksByKey.clear();
        byKey.values().stream().filter(entry -> entry.kind == LibraryKind.GO).forEach(this::applyGoHooks);
    }

    /** Switches one Go executable's probes off or on; empty when no Go library has that key. */
    public synchronized Optional<LibraryView> setGoHooks(LibraryKey key, boolean enabled) {
        Entry entry = byKey.get(key);
        if (entry == null || entry.kind != LibraryKind.GO) {
            return Optional.empty();
        }
        goHooksByKey.put(key, enabled);
        applyGoHooks(entry);
        return Optional.of(view(entry));
    }

    public synchronized boolean goHooksEnabled() {
        return goHooksEnabled;
    }

    /**
     * Forces a struct layout on an attached library, or returns it to detection when empty.
     *
     * @return the library as it is now; empty when no attached library has that key
     */
    public synchronized Optional<LibraryView> forceLayout(LibraryKey key, Optional<OpenSslLayout> layout) {
        Entry entry = byKey.get(key);
        if (entry == null || entry.attachment == null || entry.attachment.layout() == null) {
            return Optional.empty(); // unknown, unattached, or not OpenSSL (Go has no SSL layouts)
        }
        LayoutChoice choice = entry.attachment.layout().force(layout);
        LOG.infof("layout of %s (id %d): %s", key, entry.id, choice.reason());
        return Optional.of(view(entry));
    }

    public synchronized boolean isKnown(int pid) {
        return keysByPid.containsKey(pid);
    }

    public synchronized List<LibraryView> libraries() {
        List<LibraryView> views = new ArrayList<>();
        byKey.values().forEach(entry -> views.add(view(entry)));
        return views;
    }

    /** Attached libraries with this inode number (one, unless several devices reuse the number). */
    public synchronized List<LibraryKey> keysWithInode(long inode) {
        return byKey.keySet().stream().filter(key -> key.inode() == inode).toList();
    }

    /** The inode behind a library id, also after it was detached; called for every event. */
    public Optional<LibraryKey> keyOf(int id) {
        return Optional.ofNullable(keysById.get(id));
    }

    /** Attachments that failed (each library counted once). */
    public long attachFailures() {
        return attachFailures.get();
    }

    /** Times a known inode was found holding another file (deleted, number reused). */
    public long inodesReused() {
        return inodesReused.get();
    }

    /** Removes every probe; the registry is empty afterwards. */
    public synchronized void detachAll() {
        byKey.values().forEach(LibraryRegistry::detach);
        byKey.clear();
        keysByPid.clear();
    }
}
