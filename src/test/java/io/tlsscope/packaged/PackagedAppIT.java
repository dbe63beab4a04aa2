package io.tlsscope.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged application (target/quarkus-app/quarkus-run.jar) started the way users start it,
 * but as the unprivileged user nobody: loading BPF is refused by the real kernel, and the service
 * must stay up, serve its API, Swagger UI and OpenAPI, and say on /q/health why it is not tracing.
 * It starts without any API token, as a fresh installation does: it must create the tokens file
 * with a first admin token, print the token once, and store only its hash.
 */
class PackagedAppIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Process service;
    private static Path log;
    private static Path tokensDirectory;
    private static int port;
    private static String token;
    private static final java.util.regex.Pattern FIRST_TOKEN =
            java.util.regex.Pattern.compile("admin API token \\(shown only now\\): (\\S+)");

    @BeforeAll
    static void startAsNobody() throws Exception {
        port = FreePort.pick();
        log = Files.createTempFile("tlsscope-packaged-", ".log");
        tokensDirectory = Files.createTempDirectory("tlsscope-tokens-");
        // writable by nobody (set after creation: the umask would narrow a creation attribute)
        Files.setPosixFilePermissions(tokensDirectory, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        command.addAll(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-Dquarkus.http.port=" + port,
                "-Dtlsscope.auth.tokens-file=" + tokensDirectory.resolve("tokens"), "-jar", JAR.toString()));
        service = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (status("/q/health/live") != 200) {
            assertThat(service.isAlive()).as("service alive; log:\n%s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("service answering; log:\n%s", Files.readString(log)).isLessThan(deadline);
            Thread.sleep(200);
        }
        // the serve command creates the first token once the HTTP listener is up
        Await.until(Duration.ofSeconds(30), () -> "first token printed; log:\n" + logText(), () -> FIRST_TOKEN.matcher(logText()).find());
        java.util.regex.Matcher printed = FIRST_TOKEN.matcher(logText());
        assertThat(printed.find()).isTrue();
        token = printed.group(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(20, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
        Files.deleteIfExists(log);
        Files.deleteIfExists(tokensDirectory.resolve("tokens"));
        Files.deleteIfExists(tokensDirectory);
    }

    @Test
    void aFreshInstallationGetsAFirstAdminTokenWhoseHashAloneIsStored() throws Exception {
        String stored = Files.readString(tokensDirectory.resolve("tokens"));
        assertThat(stored).doesNotContain(token).contains("admin:sha256:" + io.tlsscope.security.TokenHash.sha256Hex(token));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tokensDirectory.resolve("tokens"))))
                .isEqualTo("rw-------");
        assertThat(get("/api/v1/counters").statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/counters"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void withoutRootHealthIsDownWithAnActionableReason() throws Exception {
        // the serve command starts tracing after the HTTP listener: STARTING until it has tried
        Await.until(Duration.ofSeconds(30), "the tracer to leave STARTING",
                () -> !"STARTING".equals(tracerCheck(readiness()).path("state").asText()));
        HttpResponse<String> health = readiness();
        JsonNode tracer = tracerCheck(health);
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(tracer.isMissingNode()).as("the tracer's check missing from " + health.body()).isFalse();
        assertThat(tracer.get("state").asText()).isEqualTo("DOWN");
        assertThat(tracer.get("reason").asText()).contains("run tlsscope as root");
        assertThat(get("/api/v1/counters").body()).contains("\"tracer.start-failures\"");
    }

    @Test
    void servesSwaggerUiAndOpenApi() throws Exception {
        assertThat(get("/q/openapi").body()).contains("/api/v1/events").contains("/api/v1/libraries").contains("/api/v1/counters");
        HttpResponse<String> swagger = get("/q/swagger-ui/");
        assertThat(swagger.statusCode()).isEqualTo(200);
        assertThat(swagger.body()).containsIgnoringCase("swagger");
    }

    @Test
    void inspectRunsBesideTheServiceWithoutTakingItsPort() throws Exception {
        Process inspect = new ProcessBuilder(JAVA, "-Dquarkus.http.port=" + port, "-jar", JAR.toString(),
                "inspect", "/usr/lib/x86_64-linux-gnu/libssl.so.3").redirectErrorStream(false).start();
        String out = new String(inspect.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(inspect.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(inspect.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(inspect.exitValue()).as("stderr: %s", err).isZero();
        assertThat(new ObjectMapper().readTree(out).get("kind").asText()).isEqualTo("openssl");
        assertThat(status("/q/health/live")).isEqualTo(200);
    }

    /** The tracer's check in a health answer; a missing node when there is none. */
    private static JsonNode tracerCheck(HttpResponse<String> health) {
        try {
            for (JsonNode check : new ObjectMapper().readTree(health.body()).path("checks")) {
                if (check.path("name").asText().equals("tracer")) {
                    return check.path("data");
                }
            }
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("health answer is no JSON: " + health.body(), e);
        }
    }

    private static HttpResponse<String> readiness() {
        try {
            return get("/q/health/ready");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int status(String path) {
        try {
            return get(path).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
