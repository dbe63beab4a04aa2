package io.tlsscope.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A process that maps the system libssl and waits (python3 importing ssl), so the tracer has the
 * library attached while a test looks at it: with no process using it, it is detached.
 */
public final class LibsslUser implements AutoCloseable {
    private final Process process;

    private LibsslUser(Process process) {
        this.process = process;
    }

    /** Starts the process and waits until the tracer lists the library as used by it. */
    public static LibsslUser start() {
        try {
            Process process = new ProcessBuilder("python3", "-c", "import ssl, sys; sys.stdin.read()").start();
            LibsslUser user = new LibsslUser(process);
            TracerApi.awaitLibraryUsedBy(process.pid());
            return user;
        } catch (IOException e) {
            throw new UncheckedIOException("start python3: " + e.getMessage(), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
    }
}
