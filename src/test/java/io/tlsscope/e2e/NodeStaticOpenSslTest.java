package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.FreePort;
import io.tlsscope.testsupport.NodeBinaries;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statically linked OpenSSL: Node.js binaries from the npm registry carry OpenSSL inside the
 * executable. Each node makes an https.request to a local `openssl s_server -WWW`; the executable
 * inode must be attached as static-openssl with the bundled version, and the request and the
 * response body must arrive from node's own SSL_write and SSL_read.
 */
@QuarkusTest
class NodeStaticOpenSslTest {
    private static final String PROGRAM = """
            const https = require('https');
            const [port, file] = process.argv.slice(1);
            process.stdin.once('data', () => {
              https.get({host: '127.0.0.1', port, path: '/' + file, rejectUnauthorized: false}, response => {
                let body = '';
                response.setEncoding('utf8');
                response.on('data', chunk => body += chunk);
                response.on('end', () => { console.log(body); process.exit(0); });
              }).on('error', error => { console.log('error ' + error.message); process.exit(1); });
            });
            console.log('ready');
            """;

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    @ParameterizedTest(name = "node {0}: {1} {2}")
    @CsvSource({
        "16.20.2, quictls, 1.1.1v, openssl-1.1.1",
        "18.20.8, openssl, 3.0.16, openssl-3.0",
        "24.11.1, openssl, 3.5.4, openssl-3.2-conn-user-ssl"})
    void capturesTheHttpsExchangeOfANodeBinary(String nodeVersion, String family, String opensslVersion, String layout,
                                              @TempDir Path directory) throws Exception {
        Path node = NodeBinaries.fetch(nodeVersion);
        SelfSignedCertificate tls = SelfSignedCertificate.createIn(directory);
        String file = "body-" + UUID.randomUUID() + ".txt";
        String body = "response-" + UUID.randomUUID();
        Files.writeString(directory.resolve(file), body);
        int port = FreePort.pick();
        Process server = new ProcessBuilder("openssl", "s_server", "-quiet", "-WWW", "-accept", "127.0.0.1:" + port,
                "-cert", tls.certificate().toString(), "-key", tls.key().toString())
                .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(directory.resolve("s_server.log").toFile()).start();
        Process client = new ProcessBuilder(node.toString(), "-e", PROGRAM, Integer.toString(port), file).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(eventsUri)) {
            assertThat(output.readLine()).isEqualTo("ready");
            TracerApi.awaitLibraryUsedBy(client.pid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            Map<String, Object> library = libraryOf(client.pid());
            assertThat(library).containsEntry("kind", "static-openssl").containsEntry("family", family)
                    .containsEntry("layout", layout).containsEntry("layoutSource", "detected");
            assertThat((String) library.get("version")).startsWith("OpenSSL " + opensslVersion);
            assertThat(library.get("paths")).asList().containsExactly(node.toString());
            assertThat(((Number) library.get("inode")).longValue())
                    .isEqualTo(Files.readAttributes(node, "unix:ino").get("ino"));

            client.outputWriter().write("go\n");
            client.outputWriter().flush();
            assertThat(output.readLine()).isEqualTo(body);

            Await.until(Duration.ofSeconds(15), "node's request and the response body", () ->
                    !fromNode(sse, client.pid(), "SSL_write", "GET /" + file + " HTTP/1.1").isEmpty()
                            && !fromNode(sse, client.pid(), "SSL_read", body).isEmpty());
        } finally {
            client.destroyForcibly();
            server.destroyForcibly();
        }
    }

    private static Map<String, Object> libraryOf(long pid) {
        JsonPath libraries = given().get("/api/v1/libraries").jsonPath();
        return libraries.getMap("find { it.pids.contains(" + pid + ") }");
    }

    private static List<JsonNode> fromNode(SseCollector sse, long pid, String function, String text) {
        return sse.events(event -> event.get("pid").asLong() == pid && event.get("function").asText().equals(function)
                && event.path("text").asText().contains(text));
    }
}
