package io.tlsscope.collections;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Per-connection state with a bound: the least recently used entry is forgotten first, so a
 * flood of connections cannot grow the tracer's memory. Not thread-safe.
 */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private final int maxEntries;
    private final BiConsumer<K, V> onEvict;

    public LruMap(int maxEntries) {
        this(maxEntries, (key, value) -> { });
    }

    /** @param onEvict told of each entry forgotten to stay within the bound */
    public LruMap(int maxEntries, BiConsumer<K, V> onEvict) {
        super(16, 0.75f, true);
        this.maxEntries = maxEntries;
        this.onEvict = onEvict;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        boolean full = size() > maxEntries;
        if (full) {
            onEvict.accept(eldest.getKey(), eldest.getValue());
        }
        return full;
    }
}
