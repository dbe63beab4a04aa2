package io.tlsscope.faults;

import io.tlsscope.testsupport.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An SSE client of /api/v1/events for a long flood: it keeps no event, only counts them (also by
 * the ports of their two ends, for query events) and adds up what the gap events say it missed. A
 * client that kept every event (SseCollector) would hold hundreds of MB after a minute of raw events.
 */
final class SseTally implements AutoCloseable {
    /** A query event's ends, "source" and "destination", as host:port; JSON as the service writes it (no spaces). */
    private static final Pattern END_PORT = Pattern.compile("\"(?:source|destination)\":\"[^\"]*:(\\d+)\"");
    private static final Pattern MISSED = Pattern.compile("\"missed\":(\\d+)");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private final LongAdder events = new LongAdder();
    private final Map<Integer, LongAdder> byPort = new ConcurrentHashMap<>();
    private final AtomicLong missed = new AtomicLong();
    private boolean inGap;

    SseTally(URI uri) {
        response = client.sendAsync(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + TestTokens.ADMIN).GET().build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(lines -> lines.body().forEach(this::line));
    }

    /** SSE lines: "event: gap" names the next data line; a blank line ends a message. */
    private void line(String line) {
        if (line.startsWith("event: gap")) {
            inGap = true;
        } else if (line.startsWith("data:")) {
            if (inGap) {
                Matcher count = MISSED.matcher(line);
                missed.addAndGet(count.find() ? Long.parseLong(count.group(1)) : 0);
            } else {
                events.increment();
                END_PORT.matcher(line).results().map(end -> Integer.parseInt(end.group(1))).distinct()
                        .forEach(port -> byPort.computeIfAbsent(port, key -> new LongAdder()).increment());
            }
        } else if (line.isEmpty()) {
            inGap = false;
        }
    }

    long events() {
        return events.sum();
    }

    /** Events with an end on port (a database server's port: its statements, from the client and the server side). */
    long eventsOnPort(int port) {
        LongAdder count = byPort.get(port);
        return count == null ? 0 : count.sum();
    }

    /** Events the service said this client missed, in its gap events. */
    long missed() {
        return missed.get();
    }

    @Override
    public void close() {
        response.cancel(true);
        client.shutdownNow();
    }
}
