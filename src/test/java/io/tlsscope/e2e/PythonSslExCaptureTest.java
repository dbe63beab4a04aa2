package io.tlsscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TracerApi;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSL_write_ex / SSL_read_ex with the real system libssl: Python's ssl module uses the _ex forms.
 * One python3 process runs a TLS server and client over loopback, prints its socket fds, and sends
 * a marker each way; both directions must arrive exactly, from the _ex functions, on those fds.
 */
@QuarkusTest
class PythonSslExCaptureTest {
    private static final String PROGRAM = """
            import socket, ssl, sys, threading
            certificate, key, request, reply = sys.argv[1:5]
            server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            server_context.load_cert_chain(certificate, key)
            listener = socket.create_server(("127.0.0.1", 0))
            client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            client_context.check_hostname = False
            client_context.verify_mode = ssl.CERT_NONE
            accepted = {}
            def serve():
                connection, _ = listener.accept()
                accepted["tls"] = server_context.wrap_socket(connection, server_side=True)
            thread = threading.Thread(target=serve)
            thread.start()
            client = client_context.wrap_socket(socket.create_connection(listener.getsockname()))
            thread.join()
            server = accepted["tls"]
            print(client.fileno(), server.fileno(), flush=True)
            sys.stdin.readline()                      # the test is subscribed: go
            client.sendall(request.encode())
            assert server.recv(65536).decode() == request
            server.sendall(reply.encode())
            assert client.recv(65536).decode() == reply
            print("done", flush=True)
            sys.stdin.readline()                      # keep the fds open until the test has checked
            """;

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    @Test
    void capturesBothDirectionsOfTheExFunctions(@TempDir Path directory) throws Exception {
        Path certificate = directory.resolve("cert.pem");
        Path key = directory.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                "-days", "1", "-keyout", key.toString(), "-out", certificate.toString()).redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor()).isZero();
        String request = "request-" + UUID.randomUUID();
        String reply = "reply-" + UUID.randomUUID();

        Process python = new ProcessBuilder("/usr/bin/python3", "-c", PROGRAM, certificate.toString(), key.toString(), request, reply)
                .redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
        long clientsBefore = TracerApi.sseClients();
        try (SseCollector sse = new SseCollector(eventsUri)) {
            String[] fds = output.readLine().trim().split(" ");
            int clientFd = Integer.parseInt(fds[0]);
            int serverFd = Integer.parseInt(fds[1]);
            // python3 was exec'd a moment ago: wait until discovery has put the probes on its libssl
            TracerApi.awaitLibraryUsedBy(python.pid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            python.outputWriter().write("\n");
            python.outputWriter().flush();
            assertThat(output.readLine()).isEqualTo("done");

            Await.until(Duration.ofSeconds(15), "both _ex writes captured", () ->
                    find(sse, python.pid(), "SSL_write_ex", request).size() == 1 && find(sse, python.pid(), "SSL_write_ex", reply).size() == 1);
            Await.until(Duration.ofSeconds(15), "both _ex reads captured", () ->
                    find(sse, python.pid(), "SSL_read_ex", request).size() == 1 && find(sse, python.pid(), "SSL_read_ex", reply).size() == 1);
            assertThat(find(sse, python.pid(), "SSL_write_ex", request).getFirst().get("fd").asInt()).isEqualTo(clientFd);
            assertThat(find(sse, python.pid(), "SSL_read_ex", request).getFirst().get("fd").asInt()).isEqualTo(serverFd);
            assertThat(find(sse, python.pid(), "SSL_write_ex", reply).getFirst().get("fd").asInt()).isEqualTo(serverFd);
            assertThat(find(sse, python.pid(), "SSL_read_ex", reply).getFirst().get("fd").asInt()).isEqualTo(clientFd);
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + python.pid() + "/fd/" + clientFd)).toString()).startsWith("socket:[");
        } finally {
            python.destroyForcibly();
        }
    }

    /** Events of pid from function whose payload is exactly text. */
    private static List<JsonNode> find(SseCollector sse, long pid, String function, String text) {
        return sse.events(event -> event.get("pid").asLong() == pid && event.get("function").asText().equals(function)
                && new String(Base64.getDecoder().decode(event.get("base64").asText()), StandardCharsets.UTF_8).equals(text));
    }
}
