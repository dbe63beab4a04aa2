package io.tlsscope.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pgbench (4 clients; TPC-B unless options choose another script) running for a while against a
 * database in the background, and what it reports.
 */
final class PgbenchRun implements DatabaseLoad {
    private static final Pattern FAILED = Pattern.compile("^number of failed transactions: (\\d+)", Pattern.MULTILINE);
    private static final Pattern PROCESSED = Pattern.compile("^number of transactions actually processed: (\\d+)", Pattern.MULTILINE);

    private final Process process;
    private final Path output;
    private final int seconds;

    private PgbenchRun(Process process, Path output, int seconds) {
        this.process = process;
        this.output = output;
        this.seconds = seconds;
    }

    /** @param options more pgbench options, e.g. -S for its select-only script */
    static PgbenchRun start(String connectionUri, int seconds, Path output, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-c", "4", "-j", "2", "-T", Integer.toString(seconds)));
        command.addAll(List.of(options));
        command.add(connectionUri);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new PgbenchRun(process, output, seconds);
    }

    @Override
    public boolean isRunning() {
        return process.isAlive();
    }

    /** Waits for pgbench to end and asserts what a database nobody disturbed gives: exit 0, transactions, none failed. */
    @Override
    public void assertUndisturbed() throws IOException, InterruptedException {
        assertThat(process.waitFor(seconds + 30L, TimeUnit.SECONDS)).as("pgbench finished").isTrue();
        String report = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("pgbench exit status; it said:\n%s", report).isZero();
        assertThat(number(FAILED, report)).as("failed transactions; pgbench said:\n%s", report).isZero();
        assertThat(number(PROCESSED, report)).as("transactions processed; pgbench said:\n%s", report).isPositive();
    }

    private static long number(Pattern line, String report) {
        Matcher matcher = line.matcher(report);
        assertThat(matcher.find()).as("a line %s in pgbench's report:\n%s", line, report).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
