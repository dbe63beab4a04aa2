package io.tlsscope.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP receiver of webhook POSTs on loopback (the JDK's own HTTP server): keeps each JSON
 * body with when it arrived. {@link #blackHole()} is the opposite: a port that accepts connections
 * and never answers, as a hung receiver does.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One POST: its body and when it arrived (System.nanoTime). */
    public record Received(JsonNode body, long atNanos) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                receiver.received.add(new Received(JSON.readTree(body), System.nanoTime()));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException("start a webhook receiver: " + e.getMessage(), e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A loopback port that accepts connections and never answers; returns its URL. The sockets live as long as the JVM. */
    public static String blackHole() {
        try {
            ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                while (true) {
                    try {
                        held.add(listener.accept()); // kept open, never read or answered
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            return "http://127.0.0.1:" + listener.getLocalPort() + "/hung";
        } catch (IOException e) {
            throw new UncheckedIOException("open a black-hole port: " + e.getMessage(), e);
        }
    }
}
