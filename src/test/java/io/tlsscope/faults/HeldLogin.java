package io.tlsscope.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A database login held at the password request: a python3 client speaking the wire protocol by
 * hand over TLS (fixtures/faults/pg-login.py, mysql-login.py) has sent its startup (PostgreSQL
 * startup packet, MySQL HandshakeResponse) and waits, until {@link #proceed()}, to answer the
 * server's authentication request. It then logs in, runs one query and ends. The client names
 * every credential it puts on the wire (password, md5 answer, SCRAM proof, native-password
 * scramble), so a test can search for exactly those bytes.
 */
final class HeldLogin implements AutoCloseable {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/faults");
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Writer input;
    private final OutputLines lines;

    private HeldLogin(String name, List<String> command) {
        this.name = name;
        try {
            this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("start " + command + ": " + e.getMessage(), e);
        }
        this.input = process.outputWriter(StandardCharsets.UTF_8);
        this.lines = new OutputLines(process, name);
    }

    /** A PostgreSQL login as user with password, which then runs query. */
    static HeldLogin postgres(String name, int port, String user, String password, String query) {
        return new HeldLogin(name, command("pg-login.py", List.of(Integer.toString(port), user, password, query)));
    }

    /**
     * A PostgreSQL login whose startup packet carries padding bytes more (in application_name), so
     * that its record is as large as a burst's and fits in no gap that small records leave.
     */
    static HeldLogin postgresPadded(String name, int port, String user, String password, String query, int padding) {
        return new HeldLogin(name, command("pg-login.py", List.of(Integer.toString(port), user, password, query, Integer.toString(padding))));
    }

    /** A MySQL/MariaDB login (through an auth switch to the user's own plugin) that then runs query. */
    static HeldLogin mariaDb(String name, int port, String user, String password, String database, String query) {
        return new HeldLogin(name, command("mysql-login.py", List.of(Integer.toString(port), user, password, database, query)));
    }

    /** A MySQL/MariaDB login whose HandshakeResponse carries a connection attribute of padding bytes, as {@link #postgresPadded}. */
    static HeldLogin mariaDbPadded(String name, int port, String user, String password, String database, String query, int padding) {
        return new HeldLogin(name, command("mysql-login.py", List.of(Integer.toString(port), user, password, database, query,
                Integer.toString(padding))));
    }

    private static List<String> command(String script, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", FIXTURES.resolve(script).toString()));
        command.addAll(arguments);
        return command;
    }

    long pid() {
        return process.pid();
    }

    /** Waits until the client holds at the password request; returns what the server asked for. */
    String awaitWaiting() {
        return awaitLine("waiting ").substring("waiting ".length());
    }

    /** Lets the client answer the authentication request. */
    void proceed() {
        try {
            input.write("go\n");
            input.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": the client is gone: " + lines, e);
        }
    }

    /** Waits until the client logged in, ran its query and ended; returns the query's result. */
    String awaitResult() {
        awaitLine("done");
        return lines.starting("result ").map(line -> line.substring("result ".length()))
                .findFirst().orElseThrow(() -> new AssertionError(name + ": no result: " + lines));
    }

    /** Every credential the client put on the wire (or was about to), as bytes. */
    List<byte[]> secrets() {
        return lines.starting("secret ").map(line -> HexFormat.of().parseHex(line.substring(7))).toList();
    }

    private String awaitLine(String prefix) {
        return lines.await(prefix, LIMIT);
    }

    @Override
    public String toString() {
        return name;
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
