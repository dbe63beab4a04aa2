package io.tlsscope.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.testsupport.MariaDbTlsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServiceKill} for MariaDB: the packaged service is SIGKILLed while mariadb-slap's mixed load
 * runs over TLS; no mariadb-slap run may fail and the error log must gain no [ERROR] line. An IT
 * (failsafe): it runs the packaged application, which the package phase builds.
 */
class ServiceKilledDuringMariaDbLoadIT {
    private static final String USER = "slap";
    private static final String PASSWORD = "slap-password";

    @Test
    void mariaDbDoesNotNoticeTheKernelLetsGoAndARestartCapturesAgain(@TempDir Path directory) throws Exception {
        try (MariaDbTlsServer server = MariaDbTlsServer.start()) {
            server.addNativePasswordUser(USER, PASSWORD, "mysqlslap"); // mariadb-slap's own schema, which it creates and drops
            ServiceKill.assertTheDatabaseDoesNotNoticeAndARestartCaptures(new MariaDb(server), directory);
        }
    }

    private record MariaDb(MariaDbTlsServer server) implements TlsDatabase {
        @Override
        public long serverPid() {
            return server.serverPid();
        }

        @Override
        public DatabaseLoad startLoad(int seconds, Path directory) {
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
}
