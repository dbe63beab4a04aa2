package io.tlsscope.protocol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The decoders' memory for message bodies in flight, over all connections of one protocol stage.
 * Each body keeps up to its own limit (1 MiB), but thousands of connections each in the middle of
 * a large statement would add up without bound: a body grows beyond its first few hundred bytes
 * only while the stage's total stays within this budget. A body refused more is cut short and
 * marked truncated (its statement keeps the prefix and its real length), and the refusal is
 * counted. Used on the capture thread; the counters may be read from any thread.
 */
public final class KeptBytes {
    private final long limit;
    /** Written on the capture thread only, read by counter readers. */
    private volatile long used;
    private final AtomicLong refusals = new AtomicLong();

    /** @param limit bytes all bodies of the stage may hold beyond their first few hundred */
    public KeptBytes(long limit) {
        this.limit = limit;
    }

    /** Takes bytes from the budget; false (counted) when that would pass the limit. */
    boolean reserve(long bytes) {
        if (used + bytes > limit) {
            refusals.incrementAndGet();
            return false;
        }
        used += bytes;
        return true;
    }

    /** Gives back bytes a body no longer holds. */
    void release(long bytes) {
        used -= bytes;
    }

    /** Bytes held now. */
    public long used() {
        return used;
    }

    /** Times a body was cut short because the budget was used up. */
    public long refusals() {
        return refusals.get();
    }
}
