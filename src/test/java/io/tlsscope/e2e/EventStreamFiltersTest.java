package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The event stream's filters and resume, on real psql sessions over TLS: each filter lets through
 * only what it names (and does let it through); a client that reconnects with Last-Event-ID gets
 * exactly the events after it, none twice.
 */
@QuarkusTest
class EventStreamFiltersTest {
    private static final Path SYSTEM_LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");

    @TestHTTPResource("/api/v1/events")
    URI events;

    @Test
    void eachFilterNarrowsTheStreamToWhatItNames() throws Exception {
        String marker = "f-" + UUID.randomUUID();
        long inode = (Long) Files.readAttributes(SYSTEM_LIBSSL, "unix:ino").get("ino");
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            try (PsqlSession psql = server.openPsql();
                 SseCollector byComm = new SseCollector(uri("type=query&comm=psql"));
                 SseCollector byUserAndText = new SseCollector(uri("type=query&user=postgres&database=postgres&contains=" + marker));
                 SseCollector byPid = new SseCollector(uri("type=all&pid=" + psql.pid()));
                 SseCollector byPortAndText = new SseCollector(uri("type=raw&port=" + server.port() + "&contains=" + marker));
                 SseCollector byInode = new SseCollector(uri("type=raw&inode=" + inode));
                 SseCollector rawByUser = new SseCollector(uri("type=raw&user=postgres"))) {
                TracerApi.awaitSseClients(clientsBefore + 6);
                psql.query("SELECT 'other';");
                psql.query("SELECT '" + marker + "';");
                Await.until(Duration.ofSeconds(15), "the marked statement through every filter that admits it", () ->
                        hasMarker(byComm, marker) && hasMarker(byUserAndText, marker) && hasMarker(byPid, marker)
                                && hasMarker(byPortAndText, marker) && hasMarker(byInode, marker));

                assertAll(byComm, event -> event.get("type").asText().equals("query") && event.at("/connection/comm").asText().equals("psql"));
                assertThat(byComm.events()).anyMatch(event -> event.get("statement").asText().equals("SELECT 'other';"));
                assertAll(byUserAndText, event -> event.get("statement").asText().contains(marker)
                        && event.at("/connection/user").asText().equals("postgres"));
                assertAll(byPid, event -> (event.has("pid") ? event.get("pid") : event.at("/connection/pid")).asLong() == psql.pid());
                assertThat(byPid.events()).anyMatch(event -> event.get("type").asText().equals("tls-data"))
                        .anyMatch(event -> event.get("type").asText().equals("query"));
                assertAll(byPortAndText, event -> event.get("type").asText().equals("tls-data") && text(event).contains(marker)
                        && (event.at("/connection/source").asText().endsWith(":" + server.port())
                                || event.at("/connection/destination").asText().endsWith(":" + server.port())));
                assertThat(byPortAndText.events()).extracting(event -> event.get("comm").asText()).contains("psql", "postgres");
                assertAll(byInode, event -> event.at("/library/inode").asLong() == inode);
                assertThat(rawByUser.events()).as("raw events carry no user").isEmpty();
            }
        }
    }

    @Test
    void aReconnectWithLastEventIdGetsExactlyTheEventsAfterIt() throws Exception {
        String marker = "r-" + UUID.randomUUID();
        URI markedQueries = uri("type=query&contains=" + marker);
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            try (PsqlSession psql = server.openPsql()) {
                long lastSeen;
                List<String> first = List.of("SELECT 1, '" + marker + "';", "SELECT 2, '" + marker + "';");
                try (SseCollector before = new SseCollector(markedQueries)) {
                    TracerApi.awaitSseClients(clientsBefore + 1);
                    first.forEach(psql::query);
                    Await.until(Duration.ofSeconds(15), "the first statements", () -> before.events().size() >= 4);
                    assertThat(before.ids()).isSorted().doesNotHaveDuplicates();
                    lastSeen = before.ids().getLast();
                }
                List<String> missedWhileAway = List.of("SELECT 3, '" + marker + "';", "SELECT 4, '" + marker + "';");
                long decodedBefore = TracerApi.counter("decoder.queries");
                missedWhileAway.forEach(psql::query);
                Await.until(Duration.ofSeconds(15), "the statements decoded while no client listened, from both sides",
                        () -> TracerApi.counter("decoder.queries") >= decodedBefore + 4);
                try (SseCollector after = SseCollector.resuming(markedQueries, lastSeen)) {
                    psql.query("SELECT 5, '" + marker + "';");
                    Await.until(Duration.ofSeconds(15), "the replayed and the new statements", () -> after.events().size() >= 6);
                    Thread.sleep(300); // nothing more may come: each statement once from each side
                    assertThat(after.events()).extracting(event -> event.get("statement").asText()).containsOnly(
                            missedWhileAway.get(0), missedWhileAway.get(1), "SELECT 5, '" + marker + "';").hasSize(6);
                    assertThat(after.ids()).isSorted().doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isGreaterThan(lastSeen));
                    assertThat(after.namedEvents()).as("nothing fell out of the replay buffer").isEmpty();
                }
            }
        }
    }

    @Test
    void badFiltersAreProblemsNamingTheParameter() {
        given().get("/api/v1/events?port=70000").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("port")).body("detail", containsString("1 to 65535"));
        given().get("/api/v1/events?pid=abc").then().statusCode(400).body("field", equalTo("pid"));
        given().get("/api/v1/events?inode=-3").then().statusCode(400).body("field", equalTo("inode"));
        given().header("Last-Event-ID", "yesterday").get("/api/v1/events").then().statusCode(400)
                .body("field", equalTo("Last-Event-ID"));
    }

    private URI uri(String query) {
        return URI.create(events + "?" + query);
    }

    private static boolean hasMarker(SseCollector sse, String marker) {
        return !sse.events(event -> (event.has("statement") ? event.get("statement").asText() : text(event)).contains(marker)).isEmpty();
    }

    private static void assertAll(SseCollector sse, Predicate<JsonNode> expected) {
        assertThat(sse.events()).isNotEmpty().allMatch(expected);
    }

    private static String text(JsonNode event) {
        return new String(Base64.getDecoder().decode(event.get("base64").asText()), StandardCharsets.ISO_8859_1);
    }
}
