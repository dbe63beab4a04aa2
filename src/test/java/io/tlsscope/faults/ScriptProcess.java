package io.tlsscope.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A python3 fixture script of fixtures/faults run as a process of its own (so the tracer sees its
 * SSL calls under its pid), whose output lines are collected as they come. It keeps running until
 * it ends or is closed; a script that waits for the end of its input (to stay alive while a test
 * looks at the service) ends when closed.
 */
final class ScriptProcess implements AutoCloseable {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/faults");

    private final String name;
    private final Process process;
    private final OutputLines lines;

    private ScriptProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.lines = new OutputLines(process, name);
    }

    static ScriptProcess start(String script, String... arguments) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", FIXTURES.resolve(script).toString()));
        command.addAll(List.of(arguments));
        try {
            return new ScriptProcess(script, new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("start " + command + ": " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Writes one line to the script's input. */
    void sendLine(String line) {
        try {
            process.outputWriter().write(line + "\n");
            process.outputWriter().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("write to " + name + ": " + e.getMessage(), e);
        }
    }

    /** Waits until the script printed a line starting with prefix; returns the rest of that line. */
    String awaitLine(String prefix, Duration limit) {
        return lines.await(prefix, limit).substring(prefix.length());
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
