package io.tlsscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.LogLines;
import io.tlsscope.testsupport.MariaDbTlsServer;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.PsqlSession;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL session authenticating with a known cleartext password (pg_hba "password": the
 * PasswordMessage carries it in the clear inside TLS). Neither the raw plaintext events nor the
 * query events may contain it, from the client (psql) or the server (backend) side.
 */
@QuarkusTest
class CredentialsNeverLeaveTest {

    @TestHTTPResource("/api/v1/events?type=all")
    URI allEvents;

    @Test
    void aPasswordSentOverTlsAppearsInNoEvent() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        String marker = "after-login-" + UUID.randomUUID();
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(allEvents)) {
            server.addPasswordUser("tlsscope_user", password);
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            try (PsqlSession psql = server.openPsql("tlsscope_user", password)) {
                assertThat(psql.query("SELECT '" + marker + "';")).contains(marker);
                long backend = psql.backendPid();
                Await.until(Duration.ofSeconds(15), "the session's events, client and server side", () ->
                        !sse.events(event -> event.path("pid").asLong() == psql.pid() && decoded(event).contains(marker)).isEmpty()
                                && !sse.events(event -> event.path("pid").asLong() == backend && decoded(event).contains(marker)).isEmpty()
                                && !sse.events(event -> event.path("type").asText().equals("query")
                                        && event.path("statement").asText().contains(marker)).isEmpty());
                // the login really went through the capture: the startup packet names the user
                assertThat(sse.events(event -> decoded(event).contains("tlsscope_user"))).isNotEmpty();
                assertThat(sse.events(event -> decoded(event).contains(password) || event.toString().contains(password)))
                        .as("events carrying the password").isEmpty();
            }
        }
    }

    /**
     * A MariaDB login through PAM with mysql_clear_password: the client's answer to the auth switch
     * is the password in the clear inside TLS. No raw or query event, from the mariadb client or the
     * server, and no log line of the service may contain it.
     */
    @Test
    void aMariaDbCleartextPasswordAppearsInNoEventOrLogLine() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        String marker = "after-login-" + UUID.randomUUID();
        long clientsBefore = TracerApi.sseClients();
        LogLines logLines = LogLines.capture();
        try (MariaDbTlsServer server = MariaDbTlsServer.start();
             SseCollector sse = new SseCollector(allEvents);
             logLines) {
            server.addCleartextPasswordUser("pam_user", password, "pam_db");
            TracerApi.awaitLibraryUsedBy(server.serverPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            Process client = server.client("pam_user", password, "pam_db").start();
            client.getOutputStream().write(("SELECT '" + marker + "';\n").getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().close();
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor()).as(output).isZero();
            assertThat(output).contains(marker);
            Await.until(Duration.ofSeconds(15), "the session's events, client and server side", () ->
                    !sse.events(event -> event.path("pid").asLong() == client.pid() && decoded(event).contains(marker)).isEmpty()
                            && !sse.events(event -> event.path("pid").asLong() == server.serverPid() && decoded(event).contains(marker)).isEmpty()
                            && sse.events(event -> event.path("type").asText().equals("query")
                                    && event.path("statement").asText().contains(marker)).size() == 2);
            // the login really went through the capture: the HandshakeResponse names the user, on both ends
            assertThat(sse.events(event -> decoded(event).contains("pam_user"))).hasSizeGreaterThanOrEqualTo(2);
            assertThat(sse.events(event -> decoded(event).contains(password) || event.toString().contains(password)))
                    .as("events carrying the password").isEmpty();
            org.jboss.logging.Logger.getLogger("io.tlsscope.canary").debug(marker); // proves the capture sees service categories
            assertThat(logLines.lines()).as("log lines").anyMatch(line -> line.contains(marker))
                    .noneMatch(line -> line.contains(password));
        }
    }

    /** An event's bytes (raw events) or its JSON (query events), as text. */
    private static String decoded(JsonNode event) {
        return event.has("base64")
                ? new String(Base64.getDecoder().decode(event.get("base64").asText()), StandardCharsets.ISO_8859_1)
                : event.toString();
    }
}
