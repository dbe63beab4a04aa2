package io.tlsscope.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A private PostgreSQL 15 for one test class: its own data dir under /tmp, a self-signed
 * certificate, ssl=on, TLS-only TCP on a free loopback port (pg_hba: hostssl only), every
 * statement logged (log_statement=all), room for 250 connections. Started through setpriv, which execs, so
 * {@link #postmasterPid()} is the real postmaster. Needs root (to run the server as postgres).
 */
public final class PostgresTlsServer implements AutoCloseable {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Duration START_LIMIT = Duration.ofSeconds(30);

    private final Path directory;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private Process postmaster;
    /** pg_hba lines of the users that must authenticate, in the order they were added. */
    private final List<String> authenticatedUsers = new ArrayList<>();

    private PostgresTlsServer(Path directory, int port) {
        this.directory = directory;
        this.dataDir = directory.resolve("data");
        this.log = directory.resolve("server.log");
        this.port = port;
    }

    public static PostgresTlsServer start() {
        try {
            Path directory = Files.createTempDirectory("tlsscope-pg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            PostgresTlsServer server = new PostgresTlsServer(directory, FreePort.pick());
            try {
                server.initialize();
                server.launch();
                return server;
            } catch (RuntimeException | IOException e) {
                server.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("start test PostgreSQL: " + e.getMessage(), e);
        }
    }

    private void initialize() throws IOException {
        Commands.run(List.of("chown", "postgres:postgres", directory.toString()));
        asPostgres(BIN.resolve("initdb").toString(), "-D", dataDir.toString(), "-A", "trust", "-U", "postgres", "--no-sync");
        Path key = dataDir.resolve("server.key");
        Path certificate = dataDir.resolve("server.crt");
        asPostgres("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2",
                "-keyout", key.toString(), "-out", certificate.toString());
        Commands.run(List.of("chmod", "0600", key.toString()));
        Files.writeString(dataDir.resolve("pg_hba.conf"), """
                local all all trust
                hostssl all all 127.0.0.1/32 trust
                """);
        Files.writeString(dataDir.resolve("postgresql.conf"), """
                listen_addresses = '127.0.0.1'
                port = %d
                unix_socket_directories = '%s'
                ssl = on
                ssl_cert_file = 'server.crt'
                ssl_key_file = 'server.key'
                log_statement = 'all'
                logging_collector = off
                fsync = off
                max_connections = 250
                """.formatted(port, directory), java.nio.file.StandardOpenOption.APPEND);
    }

    private void launch() throws IOException {
        Files.createFile(log);
        Commands.run(List.of("chown", "postgres:postgres", log.toString()));
        postmaster = new ProcessBuilder(asPostgresCommand(BIN.resolve("postgres").toString(), "-D", dataDir.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (Commands.exitCode(List.of(BIN.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1", "-p", Integer.toString(port))) != 0) {
            if (!postmaster.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("test PostgreSQL did not become ready; log:\n" + serverLog());
            }
            sleep(100);
        }
    }

    private void asPostgres(String... command) {
        Commands.run(asPostgresCommand(command));
    }

    private static List<String> asPostgresCommand(String... command) {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
        full.addAll(List.of(command));
        return full;
    }

    public int port() {
        return port;
    }

    public long postmasterPid() {
        return postmaster.pid();
    }

    public String connectionUri() {
        return "postgresql://postgres@127.0.0.1:" + port + "/postgres?sslmode=require";
    }

    public Path dataDir() {
        return dataDir;
    }

    public String serverLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    /** A login role that must authenticate with a cleartext password (pg_hba method "password"). */
    public void addPasswordUser(String user, String password) throws IOException {
        addUser(user, password, "password");
    }

    /**
     * A login role that must authenticate with the pg_hba method given: "password" (cleartext),
     * "md5" (its password is stored as md5 for that) or "scram-sha-256".
     */
    public void addUser(String user, String password, String hbaMethod) throws IOException {
        Path psql = BIN.resolve("psql");
        String encryption = hbaMethod.equals("md5") ? "md5" : "scram-sha-256";
        asPostgres(psql.toString(), "-X", "-q", "-h", directory.toString(), "-p", Integer.toString(port), "-d", "postgres",
                "-c", "SET password_encryption = '" + encryption + "'; CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
        authenticatedUsers.add("hostssl all " + user + " 127.0.0.1/32 " + hbaMethod + "\n");
        Files.writeString(dataDir.resolve("pg_hba.conf"), "local all all trust\n" + String.join("", authenticatedUsers)
                + "hostssl all all 127.0.0.1/32 trust\n");
        asPostgres(psql.toString(), "-X", "-q", "-h", directory.toString(), "-p", Integer.toString(port), "-d", "postgres",
                "-c", "SELECT pg_reload_conf()");
    }

    /** psql as that user, with the password in the connection string. */
    public PsqlSession openPsql(String user, String password) {
        return PsqlSession.open("postgresql://" + user + ":" + password + "@127.0.0.1:" + port + "/postgres?sslmode=require");
    }

    public PsqlSession openPsql() {
        return PsqlSession.open(connectionUri());
    }

    /** Fast shutdown (SIGINT), SIGKILL after 20 s, then the directory is removed. Idempotent. */
    @Override
    public void close() {
        if (postmaster != null && postmaster.isAlive()) {
            Commands.exitCode(List.of("kill", "-INT", Long.toString(postmaster.pid())));
            try {
                if (!postmaster.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    postmaster.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        TestDirectories.deleteRecursively(directory);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
