package io.tlsscope.protocol.postgres;

import io.tlsscope.protocol.BodyMask;
import io.tlsscope.protocol.KeptBytes;
import io.tlsscope.protocol.MessageBody;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One direction of a PostgreSQL v3 connection, framed as its bytes pass, however the application
 * split its SSL calls: type byte (none for the startup packet), int32 length including itself,
 * body. The same walk blanks credentials in the captured bytes in place (the body of every
 * PasswordMessage/SASL message 'p') and hands whole messages to the session. Bodies nobody reads
 * (PasswordMessage, DataRow, CopyData) are counted, not kept.
 *
 * <p>A message claiming an impossible length, or bytes lost from the capture, desynchronise the
 * stream; it resumes at a call that begins with a plausible message (applications write whole
 * messages per call, so call boundaries are the natural resync points). While it is lost and the
 * connection is not known to be past authentication, the frontend's bytes are blanked whole
 * (fail closed: a password may be among them). A frontend Terminate is followed by a startup
 * packet when the same SSL object carries a new connection.
 */
final class PgStream {
    /**
     * The whole message being handed over. One per stream, filled in for each message: a call
     * completes several, and none is kept past its handover (the body is a view of the stream's
     * own buffer anyway).
     */
    static final class Message {
        private char type;
        private ByteBuffer body;
        private long length;
        private boolean truncated;

        private Message set(char messageType, ByteBuffer messageBody, long statedLength, boolean cut) {
            type = messageType;
            body = messageBody;
            length = statedLength;
            truncated = cut;
            return this;
        }

        char type() {
            return type;
        }

        /** Its bytes, or null when not kept; a prefix when truncated. Valid only while the message is handed over. */
        ByteBuffer body() {
            return body;
        }

        /** The body length the header stated. */
        long length() {
            return length;
        }

        /** Whether some of the body was not captured or not kept. */
        boolean truncated() {
            return truncated;
        }
    }

    /** Largest message accepted; PostgreSQL's own limit for most messages is 1 GB, statements are far smaller. */
    static final int MAX_MESSAGE = 64 * 1024 * 1024;
    /** Most bytes of one message kept for decoding; a longer statement keeps its prefix and is marked truncated. */
    static final int KEEP_LIMIT = 1024 * 1024;

    private final boolean frontend;
    private final byte[] header = new byte[5];
    private final MessageBody body;
    private final Message handedOver = new Message();
    private int headerFilled;
    private boolean inBody;
    private char type;
    private boolean expectStartup;
    private boolean desynchronised;
    private boolean blankWhileLost;
    private long desyncs;

    /**
     * @param frontend     whether this is the client's direction
     * @param startupFirst whether it begins with the untyped startup packet (else the connection is older than the capture)
     * @param budget       the stage's memory for message bodies in flight
     */
    PgStream(boolean frontend, boolean startupFirst, KeptBytes budget) {
        this.frontend = frontend;
        this.body = new MessageBody(KEEP_LIMIT, budget);
        this.expectStartup = startupFirst;
    }

    /** Whether bytes this stream cannot frame are blanked whole (frontend, not known to be past authentication). */
    void blankWhileLost(boolean blank) {
        blankWhileLost = blank;
    }

    /** Walks the bytes of one SSL call (or chunk): masks them in place and hands each whole message to out. */
    void add(byte[] call, Consumer<Message> out) {
        int position = 0;
        if (desynchronised) {
            if (!plausibleStart(call)) {
                blankIfLost(call);
                return;
            }
            desynchronised = false;
            headerFilled = 0;
            inBody = false;
        }
        while (position < call.length) {
            if (inBody) {
                position = body.consume(call, position);
                if (body.complete()) {
                    emit(out);
                }
                continue;
            }
            header[headerFilled++] = call[position++];
            int typeBytes = expectStartup ? 0 : 1;
            if (headerFilled < typeBytes + 4) {
                continue;
            }
            int length = int32(header, typeBytes);
            char next = expectStartup ? 0 : (char) (header[0] & 0xFF);
            headerFilled = 0;
            if (length < 4 || length > MAX_MESSAGE) {
                desync();
                if (next == 'p' || blankWhileLost) {
                    Arrays.fill(call, position, call.length, BodyMask.BLANK); // whatever follows a broken 'p' may be its body
                }
                return;
            }
            type = next;
            boolean credential = frontend && type == 'p';
            body.start(length - 4, keeps(type), credential ? BodyMask.ALL : BodyMask.NONE);
            inBody = true;
            if (body.complete()) {
                emit(out);
            }
        }
    }

    /** Message bodies the session reads; password, row and COPY data are only counted. */
    private boolean keeps(char messageType) {
        return messageType != 'd' && (frontend ? messageType != 'p' : messageType != 'D');
    }

    private void emit(Consumer<Message> out) {
        inBody = false;
        Message message = handedOver.set(type, body.keptView(), body.length(), body.truncated());
        // after Terminate, a process that reuses the SSL object's address starts a new connection
        expectStartup = frontend && type == 'X';
        out.accept(message);
        body.handedOver();
    }

    /**
     * Bytes of this direction the capture did not get, at the end of the call just added (the call
     * was larger than the capture limit): skipped inside the message they belong to, else the
     * stream is lost.
     */
    void skip(long missing, Consumer<Message> out) {
        if (desynchronised || missing <= 0) {
            return;
        }
        if (!inBody || !body.skip(missing)) {
            desync();
        } else if (body.complete()) {
            emit(out);
        }
    }

    /**
     * The last bytes of a call whose middle the response budget skipped (see
     * {@link io.tlsscope.protocol.ProtocolSession#tail}). Lost message boundaries are found again
     * at the earliest point of the tail from which whole messages run exactly to its end, the last
     * a ReadyForQuery: the server ends every answer with it and flushes there, so an answer's last
     * call ends with it. onResume runs before the messages from that point are handed out.
     */
    void tail(long skipped, byte[] tail, Consumer<Message> out, Runnable onResume) {
        if (!desynchronised && skipped > 0) {
            if (!inBody || !body.skip(skipped)) {
                lose();
            } else if (body.complete()) {
                emit(out);
            }
        }
        if (!desynchronised) {
            add(tail, out);
            return;
        }
        int start = answerEnd(tail);
        if (start < 0) {
            blankIfLost(tail);
            return; // the answer goes on: a later call's tail ends it
        }
        desynchronised = false;
        onResume.run();
        add(Arrays.copyOfRange(tail, start, tail.length), out);
    }

    /** Backend message types (PostgreSQL protocol 3.0, "Message Formats"). */
    private static final String BACKEND_TYPES = "RKSZTDCENAGHWdcIsn123tv";

    /**
     * The earliest offset of bytes from which backend messages run exactly to their end, the last
     * being ReadyForQuery (length 5, status I, T or E); -1 if none.
     */
    static int answerEnd(byte[] bytes) {
        for (int start = 0; start + 6 <= bytes.length; start++) {
            int position = start;
            char last = 0;
            while (position + 5 <= bytes.length) {
                char next = (char) (bytes[position] & 0xFF);
                int length = int32(bytes, position + 1);
                if (BACKEND_TYPES.indexOf(next) < 0 || length < 4 || length > bytes.length - position - 1) {
                    break;
                }
                last = next;
                position += 1 + length;
            }
            if (position == bytes.length && last == 'Z' && readyForQuery(bytes, bytes.length - 6)) {
                return start;
            }
        }
        return -1;
    }

    private static boolean readyForQuery(byte[] bytes, int at) {
        char status = (char) bytes[at + 5];
        return bytes[at] == 'Z' && int32(bytes, at + 1) == 5 && (status == 'I' || status == 'T' || status == 'E');
    }

    /** Captured bytes were lost (a chunk or call dropped): what is buffered can no longer be framed. */
    void gap() {
        if (!desynchronised) {
            desync();
        }
    }

    private void desync() {
        lose();
        desyncs++;
    }

    /** Message boundaries are unknown from here (bytes lost or skipped): resume at the next plausible start. */
    private void lose() {
        desynchronised = true;
        headerFilled = 0;
        inBody = false;
        body.clear();
        expectStartup = false;
    }

    private void blankIfLost(byte[] call) {
        if (blankWhileLost) {
            Arrays.fill(call, BodyMask.BLANK);
        }
    }

    /** The stream is dropped: the body in flight gives its memory back. */
    void release() {
        body.clear();
    }

    long desyncs() {
        return desyncs;
    }

    /** A call that may begin a message: a letter and a plausible length. */
    static boolean plausibleStart(byte[] call) {
        if (call.length < 5 || !Character.isLetter((char) (call[0] & 0xFF))) {
            return false;
        }
        int length = int32(call, 1);
        return length >= 4 && length <= MAX_MESSAGE;
    }

    /** The big-endian int32 at bytes[at...]: read in place, as this runs for every message header. */
    private static int int32(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8 | bytes[at + 3] & 0xFF;
    }
}
