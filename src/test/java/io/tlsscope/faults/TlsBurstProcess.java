package io.tlsscope.faults;

import io.tlsscope.testsupport.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * fixtures/faults/tls_burst.py on its own: a python3 process with a TLS pair on loopback that, when
 * told, writes records of about 16 KiB as fast as it can for a while (or until told to stop) and reports how many SSL_write/SSL_read
 * calls it made. It loads libssl from libraryDirectory first (LD_LIBRARY_PATH), so a test can give
 * it a library of its own, and stays alive (its library mapped) until closed.
 */
final class TlsBurstProcess implements AutoCloseable {
    private static final Path SCRIPT = Path.of("src/test/resources/fixtures/faults/tls_burst.py");
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final Process process;
    private final Writer input;
    private final OutputLines lines;

    private TlsBurstProcess(Process process) {
        this.process = process;
        this.input = process.outputWriter(StandardCharsets.UTF_8);
        this.lines = new OutputLines(process, "the burst process");
    }

    /** Starts the process on the system libssl and waits until its TLS pair is connected (no SSL call made yet). */
    static TlsBurstProcess start(SelfSignedCertificate certificate, Duration burst) {
        return start(command(certificate, burst));
    }

    /** Starts the process on the libssl in libraryDirectory and waits until its TLS pair is connected (no SSL call made yet). */
    static TlsBurstProcess start(Path libraryDirectory, SelfSignedCertificate certificate, Duration burst) {
        ProcessBuilder builder = command(certificate, burst);
        builder.environment().put("LD_LIBRARY_PATH", libraryDirectory.toString());
        return start(builder);
    }

    /**
     * At nice -10: on a small host, a login or a database starting beside the burst took the CPU from
     * it, the reader caught up meanwhile, and the records the burst was meant to crowd out fit
     * (lost-startup logins: about 20% of attempts lost their startup at both ends, 45% at -10).
     */
    private static ProcessBuilder command(SelfSignedCertificate certificate, Duration burst) {
        return new ProcessBuilder("nice", "-n", "-10", "/usr/bin/python3", SCRIPT.toString(), certificate.certificate().toString(),
                certificate.key().toString(), Double.toString(burst.toMillis() / 1000.0)).redirectErrorStream(true);
    }

    private static TlsBurstProcess start(ProcessBuilder builder) {
        try {
            TlsBurstProcess burstProcess = new TlsBurstProcess(builder.start());
            burstProcess.awaitLine("ready");
            return burstProcess;
        } catch (IOException e) {
            throw new UncheckedIOException("start " + builder.command() + ": " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Lets the burst run; returns the SSL calls it made once it has stopped (all of them returned). */
    long burst() {
        go();
        return awaitEnd();
    }

    /** Lets the burst run, and returns at once. */
    void go() {
        tell("go");
    }

    /** Ends the burst before its time; returns the SSL calls it made (all of them returned). */
    long stop() {
        tell("stop");
        return awaitEnd();
    }

    private void tell(String line) {
        try {
            input.write(line + "\n");
            input.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the burst process is gone: " + lines, e);
        }
    }

    private long awaitEnd() {
        return Long.parseLong(awaitLine("calls ").substring("calls ".length()));
    }

    private String awaitLine(String prefix) {
        return lines.await(prefix, LIMIT);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
