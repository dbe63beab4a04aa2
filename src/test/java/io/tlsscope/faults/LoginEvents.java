package io.tlsscope.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.SseCollector;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** What the captured events say about one login of a {@link HeldLogin} client, from both ends. */
final class LoginEvents {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private LoginEvents() {
    }

    /**
     * Until a call the client wrote whose captured bytes match was captured, and the server's read of
     * such a call on the same connection (the server's end is the client's destination).
     */
    static void awaitBothEnds(SseCollector sse, HeldLogin client, Predicate<String> call, String what) {
        Await.until(LIMIT, () -> client + ": " + what + ", written and read", () -> bothEnds(sse, client, call));
    }

    /** Whether both ends' calls that match were captured. */
    static boolean bothEnds(SseCollector sse, HeldLogin client, Predicate<String> call) {
        return written(sse, client, call).map(sent -> !read(sse, sent.at("/connection/source").asText(), call).isEmpty()).orElse(false);
    }

    /** Whether either end's call that matches was captured (the server's: on a connection to the client's end seen in any of its events). */
    static boolean eitherEnd(SseCollector sse, HeldLogin client, Predicate<String> call) {
        if (written(sse, client, call).isPresent()) {
            return true;
        }
        return sse.events(event -> event.path("pid").asLong() == client.pid()).stream().map(event -> event.at("/connection/source").asText())
                .distinct().anyMatch(clientEnd -> !read(sse, clientEnd, call).isEmpty());
    }

    /** The first call the client wrote whose captured bytes match. */
    static Optional<JsonNode> written(SseCollector sse, HeldLogin client, Predicate<String> call) {
        return sse.events(event -> event.path("pid").asLong() == client.pid() && "write".equals(event.path("direction").asText())
                && call.test(SecretSearch.captured(event))).stream().findFirst();
    }

    private static List<JsonNode> read(SseCollector sse, String clientEnd, Predicate<String> call) {
        return sse.events(event -> "read".equals(event.path("direction").asText())
                && clientEnd.equals(event.at("/connection/destination").asText()) && call.test(SecretSearch.captured(event)));
    }

    /**
     * PostgreSQL: a 'p' message (password, md5 answer or SASL response) whose body is blanked, or a
     * call blanked whole (the call after lost calls of a connection not known exactly).
     * MariaDB: the auth switch answer (sequence 4), header and all or (servers read headers first)
     * its payload alone, blanked.
     */
    static boolean credentialBlanked(String call, boolean postgres) {
        if (postgres) {
            return call.length() > 5 && (call.charAt(0) == 'p' ? call.substring(5) : call).chars().allMatch(c -> c == '*');
        }
        String payload = call.length() > 4 && call.charAt(3) == 4 ? call.substring(4) : call;
        return payload.length() >= 20 && payload.chars().allMatch(c -> c == '*');
    }
}
