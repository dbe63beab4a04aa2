package io.tlsscope.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A private database with TLS, as a fault test sees it: its server process, a load, its own log, one statement. */
interface TlsDatabase {
    long serverPid();

    /** Starts a load client over TLS that runs for about seconds; its output goes under directory. */
    DatabaseLoad startLoad(int seconds, Path directory) throws IOException;

    /** The server's error log as it is now (a test compares it with what it was before). */
    String serverLog();

    /** The lines of a piece of the server's log that report an error. */
    List<String> errorsIn(String logPart);

    /** Runs one statement on a new connection over TLS with the database's command-line client. */
    void runOverTls(String statement) throws IOException, InterruptedException;
}
