package io.tlsscope.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-connection state with a bound: the least recently used connection is forgotten first, so a
 * flood of connections cannot grow the tracer's memory. Not thread-safe.
 */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private final int maxEntries;

    public LruMap(int maxEntries) {
        super(16, 0.75f, true);
        this.maxEntries = maxEntries;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > maxEntries;
    }
}
