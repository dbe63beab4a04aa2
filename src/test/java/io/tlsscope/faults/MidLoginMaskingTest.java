package io.tlsscope.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.LogLines;
import io.tlsscope.testsupport.MariaDbTlsServer;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import io.tlsscope.tracer.Tracer;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * tlsscope started in the middle of logins, as during a rolling restart: five clients have sent
 * their startup over TLS and wait at the server's password request when the tracer starts, then
 * answer it, log in and run a query. PostgreSQL 15 with a cleartext password, md5 and
 * SCRAM-SHA-256; MariaDB 10.11 with mysql_native_password and, through PAM, mysql_clear_password
 * (the password itself crosses the TLS stream). The tracer never saw these connections start, so
 * it cannot know where their authentication is: whatever could be a credential must be blanked.
 * Every raw and query event, from the clients and from the servers, and every service log line at
 * debug level is searched for each credential the clients put on the wire (the password, the md5
 * answer, the SCRAM proof, the native-password scramble).
 *
 * <p>The PAM password is 65 characters long: its packet's payload length (66) is the byte 'B', so
 * the packet also looks like the start of a PostgreSQL Bind message with a plausible length. Before
 * the fix, recognition took such a connection for PostgreSQL seen in mid-stream and framed the
 * password as the body of a Bind: it went out unmasked from the client and from the server.
 */
@QuarkusTest
@TestProfile(MidLoginMaskingTest.TracerStartedByTheTest.class)
class MidLoginMaskingTest {
    /** A password whose MySQL packet (password and NUL) is 66 = 'B' bytes long. */
    private static final int LOOKS_LIKE_A_BIND = 'B' - 1;

    /** The test starts the tracer itself, when the clients are waiting at the password request. */
    public static final class TracerStartedByTheTest implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tlsscope-tests.start-tracing", "false");
        }
    }

    @Inject
    Tracer tracer;

    @TestHTTPResource("/api/v1/events?type=all")
    URI allEvents;

    private record Login(HeldLogin client, String marker, int serverPort, boolean postgres) {
    }

    @Test
    void loginsUnderWayWhenTracingStartsLeakNoCredential() throws Exception {
        long clientsBefore = TracerApi.sseClients();
        LogLines logLines = LogLines.capture();
        List<Login> logins = new ArrayList<>();
        try (PostgresTlsServer postgres = PostgresTlsServer.start();
             MariaDbTlsServer mariaDb = MariaDbTlsServer.start();
             SseCollector sse = new SseCollector(allEvents);
             logLines) {
            for (String method : List.of("password", "md5", "scram-sha-256")) {
                String user = "u_" + method.replace("-", "_");
                String password = "pw-" + UUID.randomUUID();
                postgres.addUser(user, password, method);
                String marker = "after-" + method + "-" + UUID.randomUUID();
                logins.add(new Login(HeldLogin.postgres("postgres " + method, postgres.port(), user, password,
                        "SELECT '" + marker + "'"), marker, postgres.port(), true));
            }
            String nativePassword = "pw-" + UUID.randomUUID();
            mariaDb.addNativePasswordUser("native_user", nativePassword, "shop");
            String pamPassword = ("pam-" + UUID.randomUUID() + UUID.randomUUID()).substring(0, LOOKS_LIKE_A_BIND);
            mariaDb.addCleartextPasswordUser("pam_user", pamPassword, "shop");
            for (String[] user : List.of(new String[] {"native_user", nativePassword}, new String[] {"pam_user", pamPassword})) {
                String marker = "after-" + user[0] + "-" + UUID.randomUUID();
                logins.add(new Login(HeldLogin.mariaDb("mariadb " + user[0], mariaDb.port(), user[0], user[1], "shop",
                        "SELECT '" + marker + "'"), marker, mariaDb.port(), false));
            }
            assertThat(logins).extracting(login -> login.client().awaitWaiting())
                    .containsExactly("3", "5", "10", "mysql_native_password", "mysql_clear_password");

            TracerApi.awaitSseClients(clientsBefore + 1);
            assertThat(tracer.state().status()).isNotEqualTo(io.tlsscope.tracer.TracerState.Status.UP);
            tracer.start();
            for (Login login : logins) {
                TracerApi.awaitLibraryUsedBy(login.client().pid());
            }
            TracerApi.awaitLibraryUsedBy(postgres.postmasterPid());
            TracerApi.awaitLibraryUsedBy(mariaDb.serverPid());

            for (Login login : logins) {
                login.client().proceed();
            }
            for (Login login : logins) {
                assertThat(login.client().awaitResult()).as(login.client().toString()).isEqualTo(login.marker());
            }
            for (Login login : logins) {
                LoginEvents.awaitBothEnds(sse, login.client(), call -> call.contains(login.marker()), "its query");
            }
            org.jboss.logging.Logger.getLogger("io.tlsscope.canary").debug("canary"); // the capture sees debug lines of the service
            assertThat(logLines.lines()).anyMatch(line -> line.contains("canary"));
            List<byte[]> secrets = logins.stream().flatMap(login -> login.client().secrets().stream()).toList();
            assertThat(secrets).as("passwords, md5 answer, SCRAM proof, scramble").hasSize(5 + 3);
            assertThat(SecretSearch.leaks(secrets, sse.events(), logLines.lines())).as("credentials in events or log lines").isEmpty();

            // the credentials went through masking (captured, blanked) rather than being lost
            for (Login login : logins) {
                LoginEvents.awaitBothEnds(sse, login.client(), call -> LoginEvents.credentialBlanked(call, login.postgres()),
                        "its credential, blanked");
            }
            Await.until(Duration.ofSeconds(15), "the PostgreSQL statements decoded on the server side after the blanked logins", () ->
                    logins.stream().filter(Login::postgres).allMatch(login -> !sse.events(event -> "query".equals(event.path("type").asText())
                            && event.path("statement").asText().contains(login.marker()) && "server".equals(event.path("side").asText()))
                            .isEmpty()));
        } finally {
            logins.forEach(login -> login.client().close());
        }
    }
}
