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

/**
 * A real SSE client of /api/v1/events that keeps every JSON event it receives, with its SSE id,
 * and the data of named events (such as "gap").
 */
public final class SseCollector implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<String> data = new CopyOnWriteArrayList<>();
    private final List<Long> ids = new CopyOnWriteArrayList<>();
    private final List<String> named = new CopyOnWriteArrayList<>();
    private long pendingId = -1;
    private String pendingName;
    // HTTP/1.1 like curl -N; the JDK client would otherwise upgrade to h2c
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    public SseCollector(URI uri) {
        this(uri, TestTokens.ADMIN, null);
    }

    /** Streams with the given bearer token (the test profile's admin token by default). */
    public SseCollector(URI uri, String token) {
        this(uri, token, null);
    }

    /** Resumes after lastEventId (sent as Last-Event-ID), with the admin token. */
    public static SseCollector resuming(URI uri, long lastEventId) {
        return new SseCollector(uri, TestTokens.ADMIN, lastEventId);
    }

    private SseCollector(URI uri, String token, Long lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", Long.toString(lastEventId));
        }
        response = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(lines -> lines.body().forEach(this::line));
    }

    /** SSE lines: "id: N", "event: NAME", "data: JSON", a blank line ends the message. */
    private synchronized void line(String line) {
        if (line.startsWith("id:")) {
            pendingId = Long.parseLong(line.substring(3).trim());
        } else if (line.startsWith("event:")) {
            pendingName = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
            String text = line.substring("data:".length()).trim();
            JsonNode parsed = parse(text);
            if (pendingName == null) {
                events.add(parsed);
                data.add(text);
                ids.add(pendingId);
            } else {
                named.add(pendingName + " " + parsed);
            }
        } else if (line.isEmpty()) {
            pendingId = -1;
            pendingName = null;
        }
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

    /** The events' JSON exactly as sent, in the same order. */
    public List<String> data() {
        return List.copyOf(data);
    }

    /** The SSE ids of the events, in the same order. */
    public synchronized List<Long> ids() {
        return List.copyOf(ids);
    }

    /** Named SSE events received ("NAME DATA"), e.g. the gap notice of a resume. */
    public List<String> namedEvents() {
        return List.copyOf(named);
    }

    @Override
    public void close() {
        response.cancel(true);
        client.shutdownNow();
    }
}
