package io.tlsscope.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 client of the event stream on a plain socket, so that a test decides when it reads
 * (a small receive buffer: a client that does not read soon stops the server's writes). Decodes the
 * chunked body and the SSE messages in it.
 */
final class SseSocketClient implements AutoCloseable {
    /** One SSE message: its id (-1 without), its event name (null for a plain event) and its data. */
    record Message(long id, String name, String data) {
    }

    private final Socket socket = new Socket();
    private final InputStream in;
    private final StringBuilder pending = new StringBuilder();
    private final List<Message> messages = new ArrayList<>();
    private boolean headersRead;
    /** The id of the last event read; readable from any thread while another reads. */
    private volatile long lastId;

    SseSocketClient(int port, String pathAndQuery, Long lastEventId) throws IOException {
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.setSoTimeout(30_000);
        String resume = lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n";
        socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + resume + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        in = socket.getInputStream();
    }

    /** Reads until a message satisfies until; every message read so far. */
    List<Message> readUntil(Predicate<Message> until) throws IOException {
        while (messages.stream().noneMatch(until)) {
            if (!headersRead) {
                String status = line();
                if (!status.startsWith("HTTP/1.1 200")) {
                    throw new IOException("stream refused: " + status);
                }
                while (!line().isEmpty()) {
                    // headers: chunked text/event-stream
                }
                headersRead = true;
            }
            int size = Integer.parseInt(line().strip(), 16);
            byte[] chunk = in.readNBytes(size);
            line(); // the CRLF after the chunk
            pending.append(new String(chunk, StandardCharsets.UTF_8));
            parseMessages();
        }
        return List.copyOf(messages);
    }

    private void parseMessages() {
        for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
            long id = -1;
            String name = null;
            String data = null;
            for (String field : pending.substring(0, end).split("\n")) {
                if (field.startsWith("id: ")) {
                    id = Long.parseLong(field.substring(4));
                } else if (field.startsWith("event: ")) {
                    name = field.substring(7);
                } else if (field.startsWith("data: ")) {
                    data = field.substring(6);
                }
            }
            if (data != null) {
                messages.add(new Message(id, name, data));
                lastId = id < 0 ? lastId : id;
            }
            pending.delete(0, end + 2);
        }
    }

    long lastId() {
        return lastId;
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the stream ended");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
