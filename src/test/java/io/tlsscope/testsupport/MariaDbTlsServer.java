package io.tlsscope.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private MariaDB (Debian 12: 10.11) for one test class: its own data directory under /tmp, a
 * self-signed certificate, TLS required on a free loopback port (require_secure_transport), every
 * statement in the general log. Runs as the mysql user; root connects over the private unix
 * socket without a password. Needs root.
 */
public final class MariaDbTlsServer implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final Path directory;
    private final Path dataDir;
    private final Path socket;
    private final Path generalLog;
    private final Path errorLog;
    private final int port;
    private Process server;

    private MariaDbTlsServer(Path directory, int port) {
        this.directory = directory;
        this.dataDir = directory.resolve("data");
        this.socket = directory.resolve("mariadb.sock");
        this.generalLog = directory.resolve("general.log");
        this.errorLog = directory.resolve("error.log");
        this.port = port;
    }

    public static MariaDbTlsServer start() {
        try {
            Path directory = Files.createTempDirectory("tlsscope-mariadb-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            MariaDbTlsServer server = new MariaDbTlsServer(directory, FreePort.pick());
            try {
                server.launch();
                return server;
            } catch (RuntimeException | IOException e) {
                server.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("start test MariaDB: " + e.getMessage(), e);
        }
    }

    private void launch() throws IOException {
        SelfSignedCertificate certificate = SelfSignedCertificate.createIn(directory);
        Commands.run(List.of("chown", "-R", "mysql:mysql", directory.toString()));
        Commands.run(List.of("setpriv", "--reuid=mysql", "--regid=mysql", "--init-groups", "mariadb-install-db", "--no-defaults",
                "--datadir=" + dataDir, "--auth-root-authentication-method=socket", "--skip-test-db"));
        server = new ProcessBuilder("setpriv", "--reuid=mysql", "--regid=mysql", "--init-groups", "/usr/sbin/mariadbd",
                "--no-defaults", "--datadir=" + dataDir, "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + socket,
                "--pid-file=" + directory.resolve("mariadb.pid"), "--ssl-cert=" + certificate.certificate(),
                "--ssl-key=" + certificate.key(), "--require-secure-transport=ON", "--general-log=ON",
                "--general-log-file=" + generalLog, "--log-error=" + errorLog, "--skip-log-bin",
                "--innodb-buffer-pool-size=16M", "--plugin-load-add=auth_ed25519", "--plugin-load-add=auth_pam",
                // PAM users log in with mysql_clear_password: the password itself crosses the TLS stream
                "--pam-use-cleartext-plugin=ON",
                // a login held at the password request (faults tests) waits while the tracer starts: the
                // default 10 s for a whole login ended such logins on a loaded machine (SSLEOFError)
                "--connect-timeout=120")
                .redirectErrorStream(true).redirectOutput(directory.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (Commands.exitCode(List.of("mariadb-admin", "--no-defaults", "--socket=" + socket, "-u", "root", "ping", "--silent")) != 0) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("test MariaDB did not become ready; log:\n" + read(errorLog));
            }
            sleep(100);
        }
    }

    /** Runs statements as root over the unix socket (not TLS: set-up, not what a test observes). */
    public String sql(String statements) {
        return Commands.run(List.of("mariadb", "--no-defaults", "--socket=" + socket, "-u", "root", "--batch",
                "--skip-column-names", "-e", statements));
    }

    /** The mariadb command-line client over TLS on the TCP port, as that user, running a script from stdin. */
    public ProcessBuilder client(String user, String password, String database) {
        List<String> command = new ArrayList<>(List.of("mariadb", "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1",
                "-P", Integer.toString(port), "-u", user, "--ssl", "--skip-ssl-verify-server-cert", "--force", "--batch"));
        if (database != null) {
            command.add(database);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (password != null) {
            builder.environment().put("MYSQL_PWD", password); // not in the command line, where ps would show it
        }
        return builder;
    }

    /**
     * A user that authenticates through PAM with a cleartext password: a PAM service of this server's
     * own (/etc/pam.d/tlsscope-NAME, removed on close) whose pam_exec script accepts exactly that password.
     */
    public void addCleartextPasswordUser(String user, String password, String database) throws IOException {
        Path check = directory.resolve("pam-check.sh");
        Files.writeString(check, "#!/bin/sh\nread -r password\n[ \"$password\" = '" + password + "' ]\n");
        Commands.run(List.of("chmod", "0755", check.toString()));
        Files.writeString(pamService(), "auth required pam_exec.so expose_authtok quiet " + check + "\naccount required pam_permit.so\n");
        sql("CREATE DATABASE IF NOT EXISTS " + database + "; CREATE USER " + user + "@'127.0.0.1' IDENTIFIED VIA pam USING '"
                + pamService().getFileName() + "'; GRANT ALL ON " + database + ".* TO " + user + "@'127.0.0.1'");
    }

    /** A user that authenticates with mysql_native_password (MariaDB's default for IDENTIFIED BY). */
    public void addNativePasswordUser(String user, String password, String database) {
        sql("CREATE DATABASE IF NOT EXISTS " + database + "; CREATE USER " + user + "@'127.0.0.1' IDENTIFIED VIA mysql_native_password"
                + " USING PASSWORD('" + password + "'); GRANT ALL ON " + database + ".* TO " + user + "@'127.0.0.1'");
    }

    private Path pamService() {
        return Path.of("/etc/pam.d", "tlsscope-" + directory.getFileName());
    }

    public String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database + "?sslMode=trust&useServerPrepStmts=true";
    }

    public long serverPid() {
        return server.pid();
    }

    public int port() {
        return port;
    }

    public String generalLog() {
        return read(generalLog);
    }

    /** The server's error log (--log-error): errors and warnings, as [ERROR] and [Warning] lines. */
    public String errorLog() {
        return read(errorLog);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Shutdown (SIGTERM), SIGKILL after 30 s, then the directory is removed. Idempotent. */
    @Override
    public void close() {
        if (server != null && server.isAlive()) {
            server.destroy();
            try {
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(pamService());
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + pamService(), e);
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
