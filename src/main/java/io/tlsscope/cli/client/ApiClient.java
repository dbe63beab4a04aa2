package io.tlsscope.cli.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Stream;

/** HTTP to a running tlsscope service: JSON requests with the bearer token, and the event stream. */
final class ApiClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** The service could not be reached at all (nothing listening, wrong host, TLS failure). */
    static final class Unreachable extends Exception {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A reply: status and body (JSON, or an RFC 9457 problem). */
    record Reply(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();

    ApiClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    Reply get(String path) throws Unreachable {
        return send(request(path).GET());
    }

    Reply put(String path, String json) throws Unreachable {
        return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply post(String path, String json) throws Unreachable {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply delete(String path) throws Unreachable {
        return send(request(path).DELETE());
    }

    /** Streams the SSE data lines of path to each, until the stream ends or each says stop; an error reply is returned. */
    Reply stream(String path, java.util.function.Predicate<String> each) throws Unreachable {
        HttpRequest request = authorised(HttpRequest.newBuilder(base.resolve(path))).header("Accept", "text/event-stream").GET().build();
        try {
            HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = response.body()) {
                if (response.statusCode() != 200) {
                    return new Reply(response.statusCode(), String.join("\n", lines.toList()));
                }
                var iterator = lines.iterator();
                while (iterator.hasNext()) {
                    String line = iterator.next();
                    if (line.startsWith("data:") && !each.test(line.substring(5).trim())) {
                        break;
                    }
                }
                return new Reply(200, "");
            }
        } catch (IOException e) {
            throw new Unreachable("cannot reach " + base + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(200, "");
        }
    }

    private HttpRequest.Builder request(String path) {
        return authorised(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Accept", "application/json"));
    }

    private HttpRequest.Builder authorised(HttpRequest.Builder request) {
        return token == null || token.isBlank() ? request : request.header("Authorization", "Bearer " + token);
    }

    private Reply send(HttpRequest.Builder request) throws Unreachable {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new Unreachable("cannot reach " + base + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while calling " + base, e);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
