package io.tlsscope.rules;

import io.tlsscope.collections.LruMap;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Sums over a sliding window per key (bursts of errors per client, rows per connection), in ten
 * buckets per window so that a key costs the same memory however many statements it sees; the
 * window slides in steps of a tenth. Keys are bounded (least recently used forgotten first).
 * Not thread-safe: the rule thread owns it.
 */
final class WindowedSums {
    private static final int BUCKETS = 10;

    private final Map<String, Buckets> byKey;

    WindowedSums(int maxKeys) {
        this.byKey = new LruMap<>(maxKeys);
    }

    private static final class Buckets {
        final long[] sums = new long[BUCKETS];
        final long[] starts = new long[BUCKETS];
    }

    /** Adds value at time and returns the sum over the window ending at time. */
    long add(String key, Instant time, Duration window, long value) {
        long step = Math.max(1, window.toMillis() / BUCKETS);
        long now = time.toEpochMilli();
        long bucketStart = now - Math.floorMod(now, step);
        Buckets buckets = byKey.computeIfAbsent(key, ignored -> new Buckets());
        int slot = (int) Math.floorMod(bucketStart / step, (long) BUCKETS);
        if (buckets.starts[slot] != bucketStart) {
            buckets.starts[slot] = bucketStart;
            buckets.sums[slot] = 0;
        }
        buckets.sums[slot] += value;
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (buckets.starts[i] > now - window.toMillis()) {
                total += buckets.sums[i];
            }
        }
        return total;
    }

    /** Starts the key afresh (after it fired, the next alert needs a full threshold again). */
    void reset(String key) {
        byKey.remove(key);
    }

    /** Forgets every key that starts with prefix and a NUL (one rule's sums). */
    void resetPrefix(String prefix) {
        byKey.keySet().removeIf(key -> key.startsWith(prefix + '\u0000'));
    }
}
