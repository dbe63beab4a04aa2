package io.tlsscope.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A long-lived interactive psql (one connection, one backend) driven through stdin, so its pid and
 * socket stay alive while a test inspects them. Each query ends with an \echo of a fresh sentinel
 * that marks the end of its output.
 */
public final class PsqlSession implements AutoCloseable {
    private static final long QUERY_LIMIT_SECONDS = 30;

    private final Process psql;
    private final Writer input;
    private final BufferedReader output;
    private final ExecutorService reader = Executors.newSingleThreadExecutor();

    private PsqlSession(Process psql) {
        this.psql = psql;
        this.input = psql.outputWriter(StandardCharsets.UTF_8);
        this.output = new BufferedReader(new InputStreamReader(psql.getInputStream(), StandardCharsets.UTF_8));
    }

    static PsqlSession open(String uri) {
        try {
            return new PsqlSession(new ProcessBuilder("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=0", uri)
                    .redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("start psql: " + e.getMessage(), e);
        }
    }

    public long pid() {
        return psql.pid();
    }

    /** Sends sql (terminate it with ';') and returns what psql printed for it. */
    public String query(String sql) {
        String sentinel = "--done-" + UUID.randomUUID();
        try {
            input.write(sql + "\n\\echo " + sentinel + "\n");
            input.flush();
            Future<String> result = reader.submit(() -> {
                StringBuilder text = new StringBuilder();
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    if (line.equals(sentinel)) {
                        return text.toString();
                    }
                    text.append(line).append('\n');
                }
                throw new IllegalStateException("psql exited; output:\n" + text);
            });
            return result.get(QUERY_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("psql query failed: " + sql.substring(0, Math.min(sql.length(), 80)) + ": " + e, e);
        }
    }

    public long backendPid() {
        return Long.parseLong(query("SELECT pg_backend_pid();").trim());
    }

    @Override
    public void close() {
        try {
            input.write("\\q\n");
            input.flush();
        } catch (IOException alreadyGone) {
            // psql exited: nothing to ask
        }
        try {
            if (!psql.waitFor(10, TimeUnit.SECONDS)) {
                psql.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.shutdownNow();
    }
}
