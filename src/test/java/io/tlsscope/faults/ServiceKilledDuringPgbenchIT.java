package io.tlsscope.faults;

import io.tlsscope.testsupport.Commands;
import io.tlsscope.testsupport.PostgresTlsServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServiceKill} for PostgreSQL: the packaged service is SIGKILLed while pgbench (TPC-B) runs
 * over TLS; pgbench must report no failed transaction and the server log no ERROR, FATAL or PANIC.
 * An IT (failsafe): it runs the packaged application, which the package phase builds.
 */
class ServiceKilledDuringPgbenchIT {
    private static final Pattern SERVER_ERROR = Pattern.compile("^.*\\b(ERROR|FATAL|PANIC): .*$", Pattern.MULTILINE);

    @Test
    void pgbenchDoesNotNoticeTheKernelLetsGoAndARestartCapturesAgain(@TempDir Path directory) throws Exception {
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            Commands.run(List.of("pgbench", "-q", "-i", "-s", "1", server.connectionUri()));
            ServiceKill.assertTheDatabaseDoesNotNoticeAndARestartCaptures(new Postgres(server), directory);
        }
    }

    private record Postgres(PostgresTlsServer server) implements TlsDatabase {
        @Override
        public long serverPid() {
            return server.postmasterPid();
        }

        @Override
        public DatabaseLoad startLoad(int seconds, Path directory) throws IOException {
            return PgbenchRun.start(server.connectionUri(), seconds, directory.resolve("pgbench.out"));
        }

        @Override
        public String serverLog() {
            return server.serverLog();
        }

        @Override
        public List<String> errorsIn(String logPart) {
            return SERVER_ERROR.matcher(logPart).results().map(MatchResult::group).toList();
        }

        @Override
        public void runOverTls(String statement) {
            Commands.run(List.of("psql", "-X", "-q", server.connectionUri(), "-c", statement));
        }
    }
}
