package io.tlsscope.protocol.postgres;

import io.tlsscope.protocol.ByteQueue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one direction of a PostgreSQL v3 connection into messages, however the application split
 * its SSL calls: bytes accumulate until a whole message (type byte, int32 length including itself,
 * body) is there. A message claiming an impossible length marks the stream desynchronised; it then
 * discards bytes until a call begins with a plausible message (applications write whole messages
 * per call, so call boundaries are the natural resync points). Buffered bytes are capped. A frontend
 * Terminate is followed by a startup packet when the same SSL object carries a new connection.
 */
final class PgFrames {
    /** A message: type (0 for the untyped startup packet) and body. */
    record Message(char type, byte[] body) {
    }

    /** Largest message accepted; PostgreSQL's own limit for most messages is 1 GB, statements are far smaller. */
    static final int MAX_MESSAGE = 64 * 1024 * 1024;

    private final ByteQueue buffer = new ByteQueue();
    private final boolean frontend;
    private boolean expectStartup;
    private boolean desynchronised;
    private long desyncs;

    /** @param startupFirst whether this direction begins with the untyped startup packet (frontend) */
    PgFrames(boolean startupFirst) {
        this.frontend = startupFirst;
        this.expectStartup = startupFirst;
    }

    /** Adds the bytes of one SSL call; returns the whole messages now available. */
    List<Message> add(byte[] call) {
        if (desynchronised) {
            if (!plausibleStart(call)) {
                return List.of();
            }
            desynchronised = false;
            buffer.clear();
        }
        buffer.append(call);
        List<Message> messages = new ArrayList<>();
        while (true) {
            int typeBytes = expectStartup ? 0 : 1;
            if (buffer.size() < typeBytes + 4) {
                break;
            }
            int length = buffer.bigEndianInt(typeBytes);
            if (length < 4 || length > MAX_MESSAGE) {
                desync();
                return messages;
            }
            if (buffer.size() < typeBytes + length) {
                break;
            }
            char type = expectStartup ? 0 : (char) buffer.unsignedByte(0);
            buffer.skip(typeBytes + 4);
            messages.add(new Message(type, buffer.take(length - 4)));
            // after Terminate, a process that reuses the SSL object's address starts a new connection
            expectStartup = frontend && type == 'X';
        }
        return messages;
    }

    /** A lost or truncated chunk: what is buffered can no longer be framed. */
    void gap() {
        desync();
    }

    private void desync() {
        desynchronised = true;
        desyncs++;
        buffer.clear();
        expectStartup = false;
    }

    long desyncs() {
        return desyncs;
    }

    private boolean plausibleStart(byte[] call) {
        if (call.length < 5 || !Character.isLetter((char) call[0])) {
            return false;
        }
        int length = ByteBuffer.wrap(call, 1, 4).getInt();
        return length >= 4 && length <= MAX_MESSAGE;
    }
}
