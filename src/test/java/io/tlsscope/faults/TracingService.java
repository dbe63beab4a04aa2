package io.tlsscope.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.security.TokenHash;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.TestDirectories;
import io.tlsscope.testsupport.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application (target/quarkus-app/quarkus-run.jar) running `serve` as root in a JVM of
 * its own, as a user runs it, so that a test can SIGKILL it. Its API listens on the given port and
 * takes the test profile's admin token; its rules and baseline files live in a directory of its own.
 */
final class TracingService implements AutoCloseable {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final Process process;
    private final Path directory;
    private final int port;

    private TracingService(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /** Starts the service and waits until its tracer is UP (BPF object loaded, discovery running). */
    static TracingService start(int port) throws IOException {
        return start(port, List.of());
    }

    /** The same with more JVM options, e.g. the release launcher's heap cap. */
    static TracingService start(int port, List<String> jvmOptions) throws IOException {
        Path directory = Files.createTempDirectory("tlsscope-service-");
        List<String> command = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dquarkus.http.port=" + port, "-Dtlsscope.rules.file=" + directory.resolve("rules.yaml"),
                "-Dtlsscope.rules.baseline-file=" + directory.resolve("baseline.json"), "-jar", JAR.toString(), "serve"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(directory.resolve("service.log").toFile());
        builder.environment().put("TLSSCOPE_AUTH_TOKENS", "admin:sha256:" + TokenHash.sha256Hex(TestTokens.ADMIN));
        builder.environment().put("TLSSCOPE_AUTH_CREATE_FIRST_TOKEN", "false");
        TracingService service = new TracingService(builder.start(), directory, port);
        try {
            Await.until(START_LIMIT, () -> "the tracer UP; log:\n" + service.log(), () -> {
                if (!service.process.isAlive()) {
                    throw new AssertionError("the service exited " + service.process.exitValue() + "; log:\n" + service.log());
                }
                return "UP".equals(service.tracerState());
            });
            return service;
        } catch (RuntimeException | AssertionError e) {
            service.close();
            throw e;
        }
    }

    long pid() {
        return process.pid();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** GET of an API path with the admin token, as JSON. */
    JsonNode get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + TestTokens.ADMIN).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " of the service: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The current value of one counter of /api/v1/counters. */
    long counter(String name) {
        for (JsonNode counter : get("/api/v1/counters")) {
            if (counter.path("name").asText().equals(name)) {
                return counter.path("value").asLong();
            }
        }
        throw new AssertionError("no counter " + name);
    }

    /** Until discovery has attached a TLS library that pid maps. */
    void awaitLibraryUsedBy(long pid) {
        Await.until(Duration.ofSeconds(20), "a TLS library of pid " + pid + " attached", () -> {
            for (JsonNode library : get("/api/v1/libraries")) {
                for (JsonNode user : library.path("pids")) {
                    if (user.asLong() == pid) {
                        return true;
                    }
                }
            }
            return false;
        });
    }

    /** SIGKILL, as the kernel's OOM killer or `kill -9` ends it: no shutdown hook runs. Returns once it is gone. */
    int kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the service outlived SIGKILL by 10 s");
        }
        return process.exitValue();
    }

    String log() {
        try {
            return Files.readString(directory.resolve("service.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The HTTP status of /q/health/ready (200: ready). */
    int readiness() {
        return unauthenticated("/q/health/ready").statusCode();
    }

    /** The Prometheus text of /q/metrics. */
    String metrics() {
        return unauthenticated("/q/metrics").body();
    }

    private HttpResponse<String> unauthenticated(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " of the service: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private String tracerState() {
        try {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(uri("/q/health/ready")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode check : JSON.readTree(health.body()).path("checks")) {
                if (check.path("name").asText().equals("tracer")) {
                    return check.path("data").path("state").asText();
                }
            }
            return "";
        } catch (IOException notListeningYet) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        TestDirectories.deleteRecursively(directory);
    }
}
