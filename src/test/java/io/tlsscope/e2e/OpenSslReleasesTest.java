package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.FreePort;
import io.tlsscope.testsupport.ListeningPorts;
import io.tlsscope.testsupport.OpenSslRelease;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-library matrix: libssl 1.1.1w (Debian bullseye), the system's 3.0 and 3.5 (Debian
 * trixie), each driving both ends of a connection with that release's own `openssl s_server` and
 * a client that sends 1 MiB in one SSL_write (fixtures/tls-one-write.c, which dlopen()s the
 * release's libssl). For each: detected version and layout, the fd found through the layout equal
 * to the real socket, and the exact plaintext both ways.
 */
@QuarkusTest
class OpenSslReleasesTest {
    private static final int PAYLOAD_BYTES = 1 << 20;
    private static Path client;

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    /** Expected version prefix and layout per release name. */
    private static final Map<String, String[]> EXPECTED = Map.of(
            "openssl-1.1.1", new String[] {"OpenSSL 1.1.1w", "openssl-1.1.1"},
            "system", new String[] {"OpenSSL 3.0.", "openssl-3.0"},
            "openssl-3.5", new String[] {"OpenSSL 3.5.", "openssl-3.2-conn-user-ssl"});

    static Stream<OpenSslRelease> releases() {
        return OpenSslRelease.all().stream();
    }

    @BeforeAll
    static void compileClient(@TempDir Path directory) throws Exception {
        client = directory.resolve("tls-one-write");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", client.toString(),
                "src/test/resources/fixtures/tls-one-write.c", "-ldl").redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor()).as("gcc: %s", output).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releases")
    void capturesOneMegabyteWriteAndTheReplyWithTheRightFd(OpenSslRelease release, @TempDir Path directory) throws Exception {
        String[] expected = EXPECTED.get(release.name());
        SelfSignedCertificate tls = SelfSignedCertificate.createIn(directory);
        byte[] payload = payload();
        Path payloadFile = Files.write(directory.resolve("payload"), payload);
        String replyMarker = "reply-" + UUID.randomUUID();
        Path received = directory.resolve("received");
        int port = FreePort.pick();

        Process server = release.processBuilder(release.opensslProgram(), "s_server", "-accept", "127.0.0.1:" + port,
                        "-cert", tls.certificate().toString(), "-key", tls.key().toString(), "-quiet", "-naccept", "1")
                .redirectOutput(received.toFile()).redirectError(directory.resolve("s_server.err").toFile())
                .start();
        Process tlsClient = null;
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(eventsUri)) {
            awaitListening(port, server, directory);
            tlsClient = release.processBuilder(client, release.libssl().toString(), Integer.toString(port),
                    payloadFile.toString(), replyMarker).redirectError(directory.resolve("client.err").toFile()).start();
            BufferedReader clientOutput = new BufferedReader(new InputStreamReader(tlsClient.getInputStream(), StandardCharsets.UTF_8));
            String fdLine = clientOutput.readLine();
            assertThat(fdLine).as("client fd; stderr: %s", read(directory.resolve("client.err"))).matches("\\d+");
            int clientFd = Integer.parseInt(fdLine);
            TracerApi.awaitLibraryUsedBy(tlsClient.pid());
            TracerApi.awaitLibraryUsedBy(server.pid());
            TracerApi.awaitSseClients(clientsBefore + 1);

            Map<String, Object> library = given().get("/api/v1/libraries").jsonPath()
                    .getMap("find { it.pids.contains(" + tlsClient.pid() + ") }");
            assertThat((String) library.get("version")).startsWith(expected[0]);
            assertThat(library).containsEntry("kind", "openssl").containsEntry("family", "openssl")
                    .containsEntry("layout", expected[1]).containsEntry("layoutSource", "detected");
            assertThat(((Number) library.get("inode")).longValue())
                    .isEqualTo(Files.readAttributes(release.libssl(), "unix:ino").get("ino"));

            send(tlsClient.outputWriter(), "go");
            Await.until(Duration.ofSeconds(20), "s_server to receive 1 MiB", () -> received.toFile().length() >= PAYLOAD_BYTES);
            send(server.outputWriter(), replyMarker);
            assertThat(clientOutput.readLine()).isEqualTo("done");
            assertThat(Files.readAllBytes(received)).isEqualTo(payload);

            long clientPid = tlsClient.pid();
            Await.until(Duration.ofSeconds(20), "the 1 MiB write and the reply captured", () ->
                    bytesOf(sse, clientPid, "write").length == PAYLOAD_BYTES
                            && bytesOf(sse, server.pid(), "read").length >= PAYLOAD_BYTES
                            && new String(bytesOf(sse, clientPid, "read"), StandardCharsets.UTF_8).contains(replyMarker));

            List<JsonNode> writes = events(sse, clientPid, "write");
            assertThat(writes).allSatisfy(event -> {
                assertThat(event.get("callBytes").asInt()).isEqualTo(PAYLOAD_BYTES);
                assertThat(event.get("truncated").asBoolean()).isFalse();
                assertThat(event.get("fd").asInt()).isEqualTo(clientFd);
                assertThat(event.get("fdMethod").asText()).isEqualTo("layout");
                assertThat(event.get("layout").asText()).isEqualTo(expected[1]);
            });
            assertThat(writes.stream().map(event -> event.get("callId").asText()).distinct()).as("one SSL_write call").hasSize(1);
            assertThat(bytesOf(sse, clientPid, "write")).isEqualTo(payload);
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + clientPid + "/fd/" + clientFd)).toString()).startsWith("socket:[");

            byte[] serverRead = bytesOf(sse, server.pid(), "read");
            assertThat(new String(serverRead, StandardCharsets.ISO_8859_1)).isEqualTo(new String(payload, StandardCharsets.ISO_8859_1));
            JsonNode serverEvent = events(sse, server.pid(), "read").getFirst();
            assertThat(serverEvent.at("/connection/source").asText()).isEqualTo(writes.getFirst().at("/connection/destination").asText());
            assertThat(serverEvent.at("/connection/destination").asText()).isEqualTo(writes.getFirst().at("/connection/source").asText());
            assertThat(new String(bytesOf(sse, server.pid(), "write"), StandardCharsets.UTF_8)).contains(replyMarker);
        } finally {
            if (tlsClient != null) {
                tlsClient.destroyForcibly();
            }
            server.destroyForcibly();
        }
    }

    /** 1 MiB of printable, position-dependent text, so a reordered or dropped chunk shows. */
    private static byte[] payload() {
        StringBuilder text = new StringBuilder(PAYLOAD_BYTES + 64);
        for (int line = 0; text.length() < PAYLOAD_BYTES; line++) {
            text.append("line %08d of the one-write payload %s\n".formatted(line, UUID.randomUUID()));
        }
        return text.substring(0, PAYLOAD_BYTES).getBytes(StandardCharsets.US_ASCII);
    }

    /** Events of pid in one direction, in stream order (one ring buffer: a thread's calls stay in order). */
    private static List<JsonNode> events(SseCollector sse, long pid, String direction) {
        return sse.events(event -> event.get("pid").asLong() == pid && event.get("direction").asText().equals(direction));
    }

    /** The plaintext of pid in one direction, chunks in order. */
    private static byte[] bytesOf(SseCollector sse, long pid, String direction) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        events(sse, pid, direction).forEach(event -> bytes.writeBytes(Base64.getDecoder().decode(event.get("base64").asText())));
        return bytes.toByteArray();
    }

    /** Until s_server listens; probing by connecting would use up its one accepted connection. */
    private static void awaitListening(int port, Process server, Path directory) {
        Await.until(Duration.ofSeconds(15), "s_server to listen on " + port, () -> {
            assertThat(server.isAlive()).as("s_server alive; stderr: %s", read(directory.resolve("s_server.err"))).isTrue();
            return ListeningPorts.isListening(port);
        });
    }

    private static void send(Writer writer, String line) throws IOException {
        writer.write(line + "\n");
        writer.flush();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
