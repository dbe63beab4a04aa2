package io.tlsscope.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.testsupport.MariaDbTlsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A private MariaDB with TLS as fault tests load it: mariadb-slap's mixed load in a loop, its error
 * log's [ERROR] lines, the mariadb client.
 */
record MariaDbTls(MariaDbTlsServer server) implements TlsDatabase {
    private static final String USER = "slap";
    private static final String PASSWORD = "slap-password";

    /** The server with a user for mariadb-slap, who may create and drop its schema mysqlslap. */
    static MariaDbTls withSlapUser(MariaDbTlsServer server) {
        server.addNativePasswordUser(USER, PASSWORD, "mysqlslap");
        return new MariaDbTls(server);
    }

    @Override
    public long serverPid() {
        return server.serverPid();
    }

    @Override
    public MariaDbSlapLoop startLoad(int seconds, Path directory) {
        return MariaDbSlapLoop.start(server, USER, PASSWORD, Duration.ofSeconds(seconds), directory.resolve("mariadb-slap.out"));
    }

    @Override
    public String serverLog() {
        return server.errorLog();
    }

    @Override
    public List<String> errorsIn(String logPart) {
        return logPart.lines().filter(line -> line.contains("[ERROR]")).toList();
    }

    @Override
    public void runOverTls(String statement) throws IOException, InterruptedException {
        Process client = server.client(USER, PASSWORD, null).start();
        client.getOutputStream().write((statement + ";\n").getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(client.waitFor()).as("the mariadb client's exit status; it said:\n%s", output).isZero();
    }
}
