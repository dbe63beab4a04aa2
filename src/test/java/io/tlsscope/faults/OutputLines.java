package io.tlsscope.faults;

import io.tlsscope.testsupport.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The lines a helper process prints (its stdout, stderr joined to it), collected on a daemon thread
 * as they come, so a test can wait for one and name what the process said when it fails.
 */
final class OutputLines {
    private final String who;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private volatile boolean ended;

    /** @param who how failure messages name the process, e.g. "the burst process" */
    OutputLines(Process process, String who) {
        this.who = who;
        Thread reader = new Thread(() -> {
            try (BufferedReader output = process.inputReader(StandardCharsets.UTF_8)) {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    lines.add(line);
                }
            } catch (IOException gone) {
                // the process is gone: what it said is in lines
            }
            ended = true;
        }, "output-" + who);
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until the process printed a line starting with prefix and returns that line; fails early when its output ends first. */
    String await(String prefix, Duration limit) {
        Await.until(limit, () -> who + " to say \"" + prefix.trim() + "\"; it said " + lines, () -> {
            if (ended && starting(prefix).findAny().isEmpty()) {
                throw new AssertionError(who + " ended saying " + lines);
            }
            return starting(prefix).findAny().isPresent();
        });
        return starting(prefix).findFirst().orElseThrow();
    }

    /** The lines printed so far that start with prefix. */
    Stream<String> starting(String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix));
    }

    @Override
    public String toString() {
        return lines.toString();
    }
}
