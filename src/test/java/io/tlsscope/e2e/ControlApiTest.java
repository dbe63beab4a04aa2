package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.LogLines;
import io.tlsscope.testsupport.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The control plane with the real tracer behind it: who may do what (no token, unknown token,
 * viewer, admin; the SSE route too), what a bad request gets (problem+json naming the field), the
 * audit line of an admin change, layouts and the Go switch. Requests are built here with the JDK
 * client, so that no default token is added.
 */
@QuarkusTest
class ControlApiTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SYSTEM_LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");

    @TestHTTPResource("/")
    URI base;

    @Test
    void readsNeedAViewerTokenAndChangesAnAdminToken() throws Exception {
        for (String path : List.of("/api/v1/libraries", "/api/v1/counters", "/api/v1/layouts", "/api/v1/hooks/go", "/api/v1/processes",
                "/api/v1/connections")) {
            assertProblem(send("GET", path, null, null), 401, "Authorization");
            assertProblem(send("GET", path, "not-a-token", null), 401, "Authorization");
            assertThat(send("GET", path, TestTokens.VIEWER, null).statusCode()).as(path).isEqualTo(200);
            assertThat(send("GET", path, TestTokens.ADMIN, null).statusCode()).as(path).isEqualTo(200);
        }
        HttpResponse<String> viewerChange = send("PUT", "/api/v1/hooks/go", TestTokens.VIEWER, "{\"enabled\": true}");
        assertProblem(viewerChange, 403, null);
        assertThat(viewerChange.body()).contains("admin role");
        assertThat(send("PUT", "/api/v1/hooks/go", TestTokens.ADMIN, "{\"enabled\": true}").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/q/health/live", null, null).statusCode()).as("health stays open").isEqualTo(200);
        assertThat(send("GET", "/q/openapi", null, null).statusCode()).as("the API description stays open").isEqualTo(200);
    }

    @Test
    void theEventStreamNeedsAViewerToken() throws Exception {
        assertProblem(send("GET", "/api/v1/events?type=query", null, null), 401, "Authorization");
        HttpRequest viewer = HttpRequest.newBuilder(base.resolve("/api/v1/events?type=query"))
                .header("Authorization", "Bearer " + TestTokens.VIEWER).build();
        HttpResponse<java.io.InputStream> stream = HTTP.send(viewer, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = stream.body()) {
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        }
    }

    @Test
    void badRequestsAreProblemsThatNameTheField() throws Exception {
        long inode = (Long) Files.readAttributes(SYSTEM_LIBSSL, "unix:ino").get("ino");
        String layout = "/api/v1/libraries/" + inode + "/layout";
        assertProblem(send("PUT", layout, TestTokens.ADMIN, "{\"layout\": \"openssl-0.9\"}"), 400, "layout");
        assertProblem(send("PUT", layout, TestTokens.ADMIN, "{}"), 400, "layout");
        assertProblem(send("PUT", layout, TestTokens.ADMIN, "{\"layout\": "), 400, "body");
        assertProblem(send("PUT", "/api/v1/libraries/0/layout", TestTokens.ADMIN, "{\"layout\": \"openssl-3.0\"}"), 400, "inode");
        assertProblem(send("GET", "/api/v1/libraries/424242424", TestTokens.ADMIN, null), 404, "inode");
        assertProblem(send("PUT", "/api/v1/hooks/go", TestTokens.ADMIN, "{}"), 400, "enabled");
        assertProblem(send("PUT", "/api/v1/hooks/go", TestTokens.ADMIN, "{\"enabled\": \"perhaps\"}"), 400, "enabled");
        assertProblem(send("PUT", "/api/v1/hooks/go/" + inode, TestTokens.ADMIN, "{\"enabled\": false}"), 404, "inode");
    }

    @Test
    void everyAdminChangeLeavesAnAuditLine() throws Exception {
        try (LogLines log = LogLines.capture()) {
            assertThat(send("PUT", "/api/v1/hooks/go", TestTokens.ADMIN, "{\"enabled\": true}").statusCode()).isEqualTo(200);
            send("PUT", "/api/v1/hooks/go", TestTokens.ADMIN, "{}");
            String tokenId = io.tlsscope.security.TokenHash.sha256Hex(TestTokens.ADMIN).substring(0, 8);
            io.tlsscope.testsupport.Await.until(Duration.ofSeconds(5), "two audit lines", () -> log.lines().stream()
                    .filter(line -> line.contains("admin change by token " + tokenId + ": PUT /api/v1/hooks/go")).count() == 2);
            assertThat(log.lines()).anyMatch(line -> line.contains("PUT /api/v1/hooks/go -> 200"))
                    .anyMatch(line -> line.contains("PUT /api/v1/hooks/go -> 400"))
                    .noneMatch(line -> line.contains(TestTokens.ADMIN));
        }
    }

    @Test
    void layoutsListWhatTheOverrideTakesAndGoHooksSwitch() throws Exception {
        JsonNode layouts = JSON.readTree(send("GET", "/api/v1/layouts", TestTokens.VIEWER, null).body());
        List<String> names = new ArrayList<>();
        layouts.forEach(layout -> names.add(layout.get("name").asText()));
        assertThat(names).contains("openssl-1.1.1", "openssl-3.0", "openssl-3.2-conn-user-ssl");
        assertThat(layouts.get(0).has("sslRbioOffset")).isTrue();
        try {
            JsonNode off = JSON.readTree(send("PUT", "/api/v1/hooks/go", TestTokens.ADMIN, "{\"enabled\": false}").body());
            assertThat(off.get("enabled").asBoolean()).isFalse();
            assertThat(JSON.readTree(send("GET", "/api/v1/hooks/go", TestTokens.VIEWER, null).body()).get("enabled").asBoolean()).isFalse();
        } finally {
            JsonNode on = JSON.readTree(send("PUT", "/api/v1/hooks/go", TestTokens.ADMIN, "{\"enabled\": true}").body());
            assertThat(on.get("enabled").asBoolean()).isTrue();
        }
    }

    @Test
    void librariesCarryTheirTrafficAndProcessesTheirLibraries() throws Exception {
        long inode = (Long) Files.readAttributes(SYSTEM_LIBSSL, "unix:ino").get("ino");
        try (io.tlsscope.testsupport.LibsslUser user = io.tlsscope.testsupport.LibsslUser.start()) {
            librariesAndProcessesAgree(inode, user.pid());
        }
    }

    private void librariesAndProcessesAgree(long inode, long userPid) throws Exception {
        JsonNode library = JSON.readTree(send("GET", "/api/v1/libraries/" + inode, TestTokens.VIEWER, null).body());
        assertThat(library.get("inode").asLong()).isEqualTo(inode);
        assertThat(library.has("calls")).isTrue();
        assertThat(library.has("bytes")).isTrue();
        assertThat(given().get("/api/v1/libraries").jsonPath().getList("inode", Long.class)).contains(inode);
        JsonNode processes = JSON.readTree(send("GET", "/api/v1/processes", TestTokens.VIEWER, null).body());
        List<Long> pidsOfLibrary = new ArrayList<>();
        library.get("pids").forEach(pid -> pidsOfLibrary.add(pid.asLong()));
        List<Long> pidsUsingIt = new ArrayList<>();
        processes.forEach(process -> {
            List<Long> inodes = new ArrayList<>();
            process.get("libraries").forEach(value -> inodes.add(value.asLong()));
            if (inodes.contains(inode)) {
                pidsUsingIt.add(process.get("pid").asLong());
            }
        });
        assertThat(pidsUsingIt).contains(userPid).containsExactlyInAnyOrderElementsOf(pidsOfLibrary);
    }

    @Test
    void connectionsShowBothEndsOfAPsqlSessionWithWhatTheDecoderLearned() throws Exception {
        try (io.tlsscope.testsupport.PostgresTlsServer server = io.tlsscope.testsupport.PostgresTlsServer.start()) {
            io.tlsscope.testsupport.TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            try (io.tlsscope.testsupport.PsqlSession psql = server.openPsql()) {
                long backend = psql.backendPid();
                psql.query("SELECT 'connections';");
                String port = ":" + server.port();
                io.tlsscope.testsupport.Await.until(Duration.ofSeconds(15), "both ends listed with their database", () -> {
                    JsonNode connections = connectionsNow();
                    return find(connections, psql.pid()) != null && find(connections, backend) != null
                            && find(connections, psql.pid()).has("user") && find(connections, backend).has("user");
                });
                JsonNode connections = connectionsNow();
                JsonNode client = find(connections, psql.pid());
                JsonNode serverEnd = find(connections, backend);
                assertThat(client.get("remote").asText()).endsWith(port);
                assertThat(serverEnd.get("local").asText()).endsWith(port);
                assertThat(client.get("local").asText()).isEqualTo(serverEnd.get("remote").asText());
                for (JsonNode end : List.of(client, serverEnd)) {
                    assertThat(end.get("protocol").asText()).isEqualTo("postgresql");
                    assertThat(end.get("user").asText()).isEqualTo("postgres");
                    assertThat(end.get("database").asText()).isEqualTo("postgres");
                    assertThat(end.get("calls").asLong()).isGreaterThanOrEqualTo(2);
                    assertThat(end.get("bytes").asLong()).isPositive();
                    assertThat(end.get("fd").asInt()).isPositive();
                }
            }
        }
    }

    private JsonNode connectionsNow() {
        try {
            return JSON.readTree(send("GET", "/api/v1/connections", TestTokens.VIEWER, null).body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode find(JsonNode connections, long pid) {
        for (JsonNode connection : connections) {
            if (connection.get("pid").asLong() == pid) {
                return connection;
            }
        }
        return null;
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String field) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).isNotBlank();
        if (field != null) {
            assertThat(problem.path("field").asText()).as(response.body()).isEqualTo(field);
        }
    }
}
