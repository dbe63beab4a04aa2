package io.tlsscope.faults;

import java.lang.management.ManagementFactory;

/** The heap of this JVM, which in a @QuarkusTest holds the service and the test. */
final class Memory {
    private Memory() {
    }

    /** Heap in use after a full GC: what is really held, not what garbage waits to be collected. */
    static long heapAfterGc() {
        ManagementFactory.getMemoryMXBean().gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
