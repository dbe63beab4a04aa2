package io.tlsscope.testsupport;

import static io.restassured.RestAssured.given;

import java.time.Duration;

/** Waits on the running service's own API (inside a @QuarkusTest, RestAssured points at it). */
public final class TracerApi {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private TracerApi() {
    }

    public static long sseClients() {
        return counter("sse.clients");
    }

    /** The current value of one counter of /api/v1/counters. */
    public static long counter(String name) {
        return given().get("/api/v1/counters").jsonPath().getLong("find { it.name == '" + name + "' }.value");
    }

    /** Until at least clients SSE clients are subscribed. */
    public static void awaitSseClients(long clients) {
        Await.until(LIMIT, clients + " SSE clients to be subscribed", () -> sseClients() >= clients);
    }

    /** Until discovery has attached a TLS library that pid maps. */
    public static void awaitLibraryUsedBy(long pid) {
        Await.until(LIMIT, "a TLS library of pid " + pid + " to be attached", () ->
                given().get("/api/v1/libraries").jsonPath().getList("pids.flatten()", Long.class).contains(pid));
    }
}
