package io.tlsscope.faults;

import io.tlsscope.testsupport.PostgresTlsServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServiceKill} for PostgreSQL: the packaged service is SIGKILLed while pgbench (TPC-B) runs
 * over TLS; pgbench must report no failed transaction and the server log no ERROR, FATAL or PANIC.
 * An IT (failsafe): it runs the packaged application, which the package phase builds.
 */
class ServiceKilledDuringPgbenchIT {
    @Test
    void pgbenchDoesNotNoticeTheKernelLetsGoAndARestartCapturesAgain(@TempDir Path directory) throws Exception {
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            ServiceKill.assertTheDatabaseDoesNotNoticeAndARestartCaptures(PostgresTls.withPgbenchTables(server), directory);
        }
    }
}
