package io.tlsscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
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

    /** An event's bytes (raw events) or its JSON (query events), as text. */
    private static String decoded(JsonNode event) {
        return event.has("base64")
                ? new String(Base64.getDecoder().decode(event.get("base64").asText()), StandardCharsets.ISO_8859_1)
                : event.toString();
    }
}
