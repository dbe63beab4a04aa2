package io.tlsscope.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A process holding both ends of one TLS connection over loopback: python3 with fixtures/tls-pair.py
 * (optionally through a launcher such as `unshare -m sh -c ...`) or the Go build of
 * fixtures/go-tls-pair. It connects, reports its
 * two socket fds, and exchanges one request and one reply when told to.
 */
public final class TlsPair implements AutoCloseable {
    public static final Path SCRIPT = Path.of("src/test/resources/fixtures/tls-pair.py");

    private final Process process;
    private final BufferedReader output;
    private final int clientFd;
    private final int serverFd;

    private TlsPair(Process process) throws IOException {
        this.process = process;
        this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = output.readLine();
        if (line == null || !line.matches("\\d+ \\d+")) {
            throw new IllegalStateException("the TLS pair did not report its fds: " + line + " " + new String(
                    process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        String[] fds = line.split(" ");
        this.clientFd = Integer.parseInt(fds[0]);
        this.serverFd = Integer.parseInt(fds[1]);
    }

    /**
     * Starts the pair; launcher is a command prefix that must end by exec'ing its arguments
     * (so the pid stays the python pid), or empty.
     */
    public static TlsPair start(List<String> launcher, SelfSignedCertificate tls, String request, String reply) {
        List<String> program = new ArrayList<>(launcher);
        program.addAll(List.of("/usr/bin/python3", SCRIPT.toAbsolutePath().toString()));
        return startProgram(program, tls, request, reply);
    }

    /** Same protocol, any program (e.g. the Go build of fixtures/go-tls-pair). */
    public static TlsPair startProgram(List<String> program, SelfSignedCertificate tls, String request, String reply) {
        List<String> command = new ArrayList<>(program);
        command.addAll(List.of(tls.certificate().toString(), tls.key().toString(), request, reply));
        try {
            return new TlsPair(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("start " + command + ": " + e.getMessage(), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public int clientFd() {
        return clientFd;
    }

    public int serverFd() {
        return serverFd;
    }

    /** Sends the request and the reply; returns once both arrived. The fds stay open until close. */
    public void exchange() throws IOException {
        process.outputWriter().write("\n");
        process.outputWriter().flush();
        String done = output.readLine();
        if (!"done".equals(done)) {
            throw new IllegalStateException("the TLS pair failed the exchange: " + done);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
