package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.Commands;
import io.tlsscope.testsupport.FreePort;
import io.tlsscope.testsupport.GoToolchain;
import io.tlsscope.testsupport.ListeningPorts;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TlsPair;
import io.tlsscope.testsupport.TracerApi;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Go crypto/tls with real toolchains: a stdlib-only Go program holding both ends of a TLS
 * connection (fixtures/go-tls-pair built with Go 1.19, 1.21 and 1.23, each with and without
 * symbols), and a stripped copy of
 * Docker's CLI (Go 1.24, `docker version`) talking to a local TLS endpoint. Exact plaintext both directions, the fd
 * equal to the real socket, one attachment per binary inode.
 */
@QuarkusTest
class GoTlsCaptureTest {
    private static final String WRITE = "crypto/tls.(*Conn).Write";
    private static final String READ = "crypto/tls.(*Conn).Read";

    /**
     * A TLS endpoint that waits 2 s after accepting before its handshake, so a client's first write
     * comes after discovery has attached to a binary it has never seen; then answers one request.
     */
    private static final String SLOW_ENDPOINT = """
            import socket, ssl, sys, time
            port, certificate, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate, key)
            listener = socket.create_server(("127.0.0.1", port))
            while True:
                connection, _ = listener.accept()
                time.sleep(2)
                try:
                    with context.wrap_socket(connection, server_side=True) as tls:
                        tls.recv(65536)
                        tls.sendall(b"HTTP/1.1 404 Not Found\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n")
                except OSError:
                    pass
            """;

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    static Stream<Arguments> builds() {
        return GoToolchain.all().stream().flatMap(go -> Stream.of(Arguments.of(go, false), Arguments.of(go, true)));
    }

    @ParameterizedTest(name = "{0}, stripped: {1}")
    @MethodSource("builds")
    void capturesBothDirectionsOfAGoProgram(GoToolchain go, boolean stripped, @TempDir Path directory) throws Exception {
        Path binary = go.build("go-tls-pair", directory.resolve("go-tls-pair"), stripped);
        SelfSignedCertificate tls = SelfSignedCertificate.createIn(directory);
        String request = "go-request-" + UUID.randomUUID();
        String reply = "go-reply-" + UUID.randomUUID();
        long clientsBefore = TracerApi.sseClients();
        try (TlsPair pair = TlsPair.startProgram(List.of(binary.toString()), tls, request, reply);
             SseCollector sse = new SseCollector(eventsUri)) {
            TracerApi.awaitLibraryUsedBy(pair.pid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            long inode = (Long) Files.readAttributes(binary, "unix:ino").get("ino");
            List<Map<String, Object>> attached = given().get("/api/v1/libraries").jsonPath().getList("findAll { it.inode == " + inode + " }");
            assertThat(attached).singleElement().satisfies(library -> {
                assertThat(library).containsEntry("kind", "go");
                assertThat((String) library.get("version")).startsWith("go" + go.version() + ".");
                assertThat(library.get("probes").toString()).contains(stripped ? "via pclntab" : "via symtab");
            });

            pair.exchange();
            Await.until(Duration.ofSeconds(15), "both directions from the Go process", () ->
                    find(sse, pair.pid(), WRITE, request).size() == 1 && find(sse, pair.pid(), READ, request).size() == 1
                            && find(sse, pair.pid(), WRITE, reply).size() == 1 && find(sse, pair.pid(), READ, reply).size() == 1);
            assertFd(find(sse, pair.pid(), WRITE, request).getFirst(), pair.clientFd());
            assertFd(find(sse, pair.pid(), READ, request).getFirst(), pair.serverFd());
            assertFd(find(sse, pair.pid(), WRITE, reply).getFirst(), pair.serverFd());
            assertFd(find(sse, pair.pid(), READ, reply).getFirst(), pair.clientFd());
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + pair.pid() + "/fd/" + pair.clientFd())).toString()).startsWith("socket:[");
        }
    }

    @Test
    void capturesAStrippedDockerCliTalkingToATlsEndpoint(@TempDir Path directory) throws Exception {
        Path original = Path.of("/usr/local/bin/docker");
        assumeTrue(Files.isRegularFile(original), "docker CLI present");
        Path docker = directory.resolve("docker");
        Commands.run(List.of("strip", "-o", docker.toString(), original.toString()));
        SelfSignedCertificate tls = SelfSignedCertificate.createIn(directory);
        int port = FreePort.pick();
        Process endpoint = new ProcessBuilder("python3", "-c", SLOW_ENDPOINT, Integer.toString(port),
                tls.certificate().toString(), tls.key().toString())
                .redirectErrorStream(true).redirectOutput(directory.resolve("endpoint.log").toFile()).start();
        long clientsBefore = TracerApi.sseClients();
        Process cli = null;
        try (SseCollector sse = new SseCollector(eventsUri)) {
            Await.until(Duration.ofSeconds(10), "the TLS endpoint", () -> {
                assertThat(endpoint.isAlive()).as("endpoint alive: %s", read(directory.resolve("endpoint.log"))).isTrue();
                return ListeningPorts.isListening(port);
            });
            TracerApi.awaitSseClients(clientsBefore + 1);
            cli = new ProcessBuilder(docker.toString(), "--config", directory.resolve("docker-config").toString(),
                    "-H", "tcp://127.0.0.1:" + port, "--tls", "--tlscacert", tls.certificate().toString(), "version")
                    .redirectErrorStream(true).redirectOutput(directory.resolve("docker.log").toFile()).start();
            TracerApi.awaitLibraryUsedBy(cli.pid());
            long inode = (Long) Files.readAttributes(docker, "unix:ino").get("ino");
            Map<String, Object> library = given().get("/api/v1/libraries").jsonPath().getMap("find { it.inode == " + inode + " }");
            assertThat(library).containsEntry("kind", "go");
            assertThat((String) library.get("version")).startsWith("go1.24");
            assertThat(library.get("probes").toString()).contains("via pclntab 1.20");

            long pid = cli.pid();
            Await.until(Duration.ofSeconds(20), "the CLI's HTTP request over TLS", () -> !requests(sse, pid).isEmpty());
            JsonNode request = requests(sse, pid).getFirst();
            assertThat(request.get("fdMethod").asText()).as("how the request's socket was found: %s; counters %s", request,
                    given().get("/api/v1/counters").asString()).isEqualTo("go-conn");
            assertThat(request.at("/connection/destination").asText()).isEqualTo("127.0.0.1:" + port);
        } finally {
            if (cli != null) {
                cli.destroyForcibly();
            }
            endpoint.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static void assertFd(JsonNode event, int fd) {
        assertThat(event.get("fd").asInt()).as("fd of %s", event).isEqualTo(fd);
        assertThat(event.get("fdMethod").asText()).isIn("go-conn", "cached");
    }

    private static List<JsonNode> find(SseCollector sse, long pid, String function, String text) {
        return sse.events(event -> event.get("pid").asLong() == pid && event.get("function").asText().equals(function)
                && new String(Base64.getDecoder().decode(event.get("base64").asText()), StandardCharsets.UTF_8).equals(text));
    }

    private static List<JsonNode> requests(SseCollector sse, long pid) {
        return sse.events(event -> event.get("pid").asLong() == pid && event.get("function").asText().equals(WRITE)
                && event.path("text").asText().matches("(?s)(GET|POST|HEAD) /\\S* HTTP/1\\.1\\r\\n.*"));
    }
}
