package io.tlsscope.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A real SSE client of /api/v1/events that keeps every JSON event it receives. */
public final class SseCollector implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    // HTTP/1.1 like curl -N; the JDK client would otherwise upgrade to h2c
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    public SseCollector(URI uri) {
        this(uri, TestTokens.ADMIN);
    }

    /** Streams with the given bearer token (the test profile's admin token by default). */
    public SseCollector(URI uri, String token) {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token).GET().build();
        response = client.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(lines -> lines.body()
                .filter(line -> line.startsWith("data:"))
                .forEach(line -> events.add(parse(line.substring("data:".length()).trim()))));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("SSE data is not JSON: " + json, e);
        }
    }

    public List<JsonNode> events() {
        return List.copyOf(events);
    }

    public List<JsonNode> events(Predicate<JsonNode> filter) {
        return events.stream().filter(filter).toList();
    }

    @Override
    public void close() {
        response.cancel(true);
        client.shutdownNow();
    }
}
