package io.tlsscope.capture;

import java.time.Instant;

/**
 * Converts CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns) to wall-clock time. On Linux,
 * System.nanoTime() reads the same clock, so one offset taken at start maps one onto the other.
 */
public final class MonotonicClock {
    private final long wallMinusMonotonicNanos;

    public MonotonicClock() {
        Instant now = Instant.now();
        long monotonic = System.nanoTime();
        wallMinusMonotonicNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - monotonic;
    }

    public Instant toInstant(long monotonicNanos) {
        long wall = monotonicNanos + wallMinusMonotonicNanos;
        return Instant.ofEpochSecond(Math.floorDiv(wall, 1_000_000_000L), Math.floorMod(wall, 1_000_000_000L));
    }
}
