package io.tlsscope.faults;

import io.tlsscope.testsupport.Commands;
import io.tlsscope.testsupport.PostgresTlsServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/** A private PostgreSQL with TLS as fault tests load it: pgbench's TPC-B, its log's ERROR, FATAL and PANIC lines, psql. */
record PostgresTls(PostgresTlsServer server) implements TlsDatabase {
    private static final Pattern SERVER_ERROR = Pattern.compile("^.*\\b(ERROR|FATAL|PANIC): .*$", Pattern.MULTILINE);

    /** The server with pgbench's tables (scale 1: 100,000 accounts). */
    static PostgresTls withPgbenchTables(PostgresTlsServer server) {
        Commands.run(List.of("pgbench", "-q", "-i", "-s", "1", server.connectionUri()));
        return new PostgresTls(server);
    }

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
