package io.tlsscope.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.testsupport.MariaDbTlsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * mariadb-slap's mixed load (4 clients; INSERTs and SELECTs of the whole table, so result sets
 * grow) over TLS against a MariaDB, run again and again in the background for a while. One run ends
 * at its first failed query with a non-zero exit status, so every failure is counted with what
 * mariadb-slap said.
 */
final class MariaDbSlapLoop implements DatabaseLoad {
    private static final int QUERIES_PER_RUN = 400;

    private final List<String> command;
    private final Path output;
    private final long deadline;
    private final AtomicInteger runs = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Thread loop;
    private volatile Process current;
    private volatile boolean stopped;

    private MariaDbSlapLoop(List<String> command, Path output, Duration duration) {
        this.command = command;
        this.output = output;
        this.deadline = System.nanoTime() + duration.toNanos();
        this.loop = new Thread(this::runUntilTheDeadline, "mariadb-slap-loop");
        loop.setDaemon(true);
    }

    /** Starts the loop as user (who may create and drop the schema mysqlslap); each run's output goes to output while it runs. */
    static MariaDbSlapLoop start(MariaDbTlsServer server, String user, String password, Duration duration, Path output) {
        MariaDbSlapLoop slap = new MariaDbSlapLoop(List.of("mariadb-slap", "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1",
                "-P", Integer.toString(server.port()), "-u", user, "-p" + password, "--ssl", "--auto-generate-sql",
                "--auto-generate-sql-load-type=mixed", "--number-of-queries=" + QUERIES_PER_RUN, "--concurrency=4"), output, duration);
        slap.loop.start();
        return slap;
    }

    private void runUntilTheDeadline() {
        try {
            while (!stopped && System.nanoTime() < deadline) {
                current = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
                int status = current.waitFor();
                runs.incrementAndGet();
                if (status != 0) {
                    failures.add("exit " + status + ": " + Files.readString(output, StandardCharsets.UTF_8).strip());
                }
            }
        } catch (IOException e) {
            failures.add("could not run mariadb-slap: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return loop.isAlive();
    }

    /** Runs of mariadb-slap so far, and those that failed (each with what it said). */
    int runs() {
        return runs.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void assertUndisturbed() throws InterruptedException {
        loop.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())).plusSeconds(60));
        assertThat(loop.isAlive()).as("the mariadb-slap loop finished").isFalse();
        assertThat(failures()).as("failed mariadb-slap runs of %d", runs()).isEmpty();
        assertThat(runs()).as("mariadb-slap runs").isPositive();
    }

    @Override
    public void close() {
        stopped = true;
        Process running = current;
        if (running != null) {
            running.destroyForcibly();
        }
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
