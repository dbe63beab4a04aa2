package io.tlsscope.faults;

import java.io.IOException;

/** A load client running against a database in the background for a set time, and what it reports when it ends. */
interface DatabaseLoad extends AutoCloseable {
    boolean isRunning();

    /** Waits for the load to end and asserts what a database nobody disturbed gives: work done, nothing failed. */
    void assertUndisturbed() throws IOException, InterruptedException;

    /** Stops the load at once (a test that failed early). */
    @Override
    void close();
}
