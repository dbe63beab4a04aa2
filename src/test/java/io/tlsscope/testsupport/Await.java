package io.tlsscope.testsupport;

import java.time.Duration;
import java.util.function.Supplier;

/** Bounded waiting for something real to happen, failing with what was awaited. */
public final class Await {
    private Await() {
    }

    public static void until(Duration limit, String what, Supplier<Boolean> condition) {
        until(limit, () -> what, condition);
    }

    /** As {@link #until(Duration, String, Supplier)}, with the description made when it fails (it may name what is missing). */
    public static void until(Duration limit, Supplier<String> what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit + " waiting for " + what.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get(), e);
            }
        }
    }
}
