package io.tlsscope.faults;

import io.tlsscope.testsupport.MariaDbTlsServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServiceKill} for MariaDB: the packaged service is SIGKILLed while mariadb-slap's mixed load
 * runs over TLS in a loop; no mariadb-slap run may fail and the error log must gain no [ERROR] line.
 * An IT (failsafe): it runs the packaged application, which the package phase builds.
 */
class ServiceKilledDuringMariaDbLoadIT {
    @Test
    void mariaDbDoesNotNoticeTheKernelLetsGoAndARestartCapturesAgain(@TempDir Path directory) throws Exception {
        try (MariaDbTlsServer server = MariaDbTlsServer.start()) {
            ServiceKill.assertTheDatabaseDoesNotNoticeAndARestartCaptures(MariaDbTls.withSlapUser(server), directory);
        }
    }
}
