package io.tlsscope.protocol.mysql;

import io.tlsscope.protocol.BodyMask;
import io.tlsscope.protocol.KeptBytes;
import io.tlsscope.protocol.MessageBody;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One direction of a MySQL/MariaDB connection, framed as its bytes pass, however the application
 * split its SSL calls: 3-byte little-endian payload length, 1-byte sequence id, payload. A payload
 * of exactly 0xFFFFFF bytes continues in the next packet; the pieces make one logical packet
 * (MySQL documentation, "MySQL Packets"). The same walk blanks credentials in the captured bytes in
 * place, as the session decides for each packet when its header arrives (it knows whether a login
 * is under way), and hands whole logical packets to the session.
 *
 * <p>A logical packet over {@link #MAX_PACKET}, a packet the session cannot parse, or bytes lost
 * from the capture desynchronise the stream; it resumes at an SSL call that starts with a plausible
 * packet (applications write whole packets per call), or at a call that completes one with the
 * 4-byte call before it (servers read the header alone, then the payload). While it is lost and a
 * login may be under way, the frontend's bytes are blanked whole (fail closed). Compression
 * (CLIENT_COMPRESS) is not decoded: the session never asks for it here.
 */
final class MySqlStream {
    /**
     * A logical packet.
     *
     * @param sequence  the sequence id of its first piece
     * @param payload   its bytes, or null when not kept; a prefix when truncated
     * @param length    the payload length the headers stated
     * @param truncated some of the payload was not captured or not kept
     */
    record Packet(int sequence, byte[] payload, long length, boolean truncated) {
    }

    /** How the session wants a packet handled: whether its payload is kept, which of its bytes are blanked. */
    record Handling(boolean keep, BodyMask mask) {
        static final Handling READ = new Handling(true, BodyMask.NONE);
        static final Handling SECRET = new Handling(false, BodyMask.ALL);
    }

    /** The session's choice for a packet, made when its header has arrived. */
    interface Policy {
        Handling handling(int sequence, long length);
    }

    /** Largest logical packet accepted (max_allowed_packet defaults to 16 MiB in MariaDB 10.11). */
    static final int MAX_PACKET = 64 * 1024 * 1024;
    /** Most bytes of one packet kept for decoding. */
    static final int KEEP_LIMIT = 1024 * 1024;
    private static final int PIECE_LIMIT = 0xFFFFFF;
    private static final int HEADER = 4;
    private static final byte[] NOTHING = new byte[0];

    private final Predicate<byte[]> plausibleStart;
    private final Policy policy;
    private final byte[] header = new byte[HEADER];
    private final MessageBody body;
    private int headerFilled;
    private boolean inBody;
    /** Sequence id of the logical packet's first piece; -1 between logical packets. */
    private int sequence = -1;
    private boolean continues;
    private boolean desynchronised;
    /** While lost: the last call, when it was exactly a header long (it may be the header of the next call's payload). */
    private byte[] held = NOTHING;
    private boolean blankWhileLost;
    private long desyncs;

    /**
     * @param plausibleStart whether an SSL call may begin a packet, used to resynchronise
     * @param policy         the session's handling of each packet
     * @param budget         the stage's memory for packets in flight
     */
    MySqlStream(Predicate<byte[]> plausibleStart, Policy policy, KeptBytes budget) {
        this.plausibleStart = plausibleStart;
        this.policy = policy;
        this.body = new MessageBody(KEEP_LIMIT, budget);
    }

    /** Whether bytes this stream cannot frame are blanked whole (a login may be under way). */
    void blankWhileLost(boolean blank) {
        blankWhileLost = blank;
    }

    /** Walks the bytes of one SSL call (or chunk): masks them in place and hands each whole logical packet to out. */
    void add(byte[] call, Consumer<Packet> out) {
        if (desynchronised) {
            byte[] header = resynchronisingHeader(call);
            if (header == null) {
                if (blankWhileLost) {
                    Arrays.fill(call, BodyMask.BLANK);
                }
                return;
            }
            desynchronised = false;
            frame(header, out);
        }
        frame(call, out);
    }

    /**
     * While lost: whether this call resumes the stream at a packet start, on its own (applications
     * write whole packets per call) or after the short call just before it (servers read a packet's
     * 4-byte header in one call and its payload in the next). Returns the header bytes of that
     * earlier call to frame first (empty when the call starts a packet itself), or null when the
     * stream stays lost. A call of a header's length is held, as a copy, until the next one tells.
     */
    private byte[] resynchronisingHeader(byte[] call) {
        byte[] before = held;
        held = NOTHING;
        if (plausibleStart.test(call)) {
            return NOTHING;
        }
        if (before.length == HEADER && plausibleStart.test(joined(before, call))) {
            return before;
        }
        if (call.length == HEADER) {
            held = call.clone();
        }
        return null;
    }

    private static byte[] joined(byte[] header, byte[] call) {
        byte[] head = Arrays.copyOf(header, HEADER + Math.min(call.length, HEADER + 1));
        System.arraycopy(call, 0, head, HEADER, head.length - HEADER);
        return head;
    }

    private void frame(byte[] call, Consumer<Packet> out) {
        int position = 0;
        while (position < call.length) {
            if (inBody) {
                position = body.consume(call, position);
                if (body.complete()) {
                    pieceDone(out);
                }
                continue;
            }
            header[headerFilled++] = call[position++];
            if (headerFilled < HEADER) {
                continue;
            }
            headerFilled = 0;
            int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
            if (sequence >= 0) {
                if (body.length() + length > MAX_PACKET) {
                    lostInCall(call, position);
                    return;
                }
                body.extend(length); // the next piece of a logical packet
            } else {
                sequence = header[3] & 0xFF;
                Handling handling = policy.handling(sequence, length);
                body.start(length, handling.keep(), handling.mask());
            }
            continues = length == PIECE_LIMIT;
            inBody = true;
            if (body.complete()) {
                pieceDone(out);
            }
        }
    }

    private void pieceDone(Consumer<Packet> out) {
        inBody = false;
        if (continues) {
            return; // the logical packet goes on in the next piece
        }
        Packet packet = new Packet(sequence, body.keptBytes(), body.length(), body.truncated());
        sequence = -1;
        out.accept(packet);
    }

    /**
     * Bytes of this direction the capture did not get, at the end of the call just added: skipped
     * inside the packet they belong to, else the stream is lost.
     */
    void skip(long missing, Consumer<Packet> out) {
        if (desynchronised || missing <= 0) {
            return;
        }
        if (!inBody || !body.skip(missing)) {
            desync();
        } else if (body.complete()) {
            pieceDone(out);
        }
    }

    /**
     * The last bytes of a call whose middle the response budget skipped (see
     * {@link io.tlsscope.protocol.ProtocolSession#tail}). Lost packet boundaries are found again at
     * the earliest point of the tail from which whole packets with consecutive sequence ids run
     * exactly to its end, the last an OK/EOF (0xFE) or ERR (0xFF) packet: the server ends an answer
     * with one and flushes there. onResume runs before the packets from that point are handed out.
     */
    void tail(long skipped, byte[] tail, Consumer<Packet> out, Runnable onResume) {
        if (!desynchronised && skipped > 0) {
            if (!inBody || !body.skip(skipped)) {
                lose();
            } else if (body.complete()) {
                pieceDone(out);
            }
        }
        if (!desynchronised) {
            add(tail, out);
            return;
        }
        int start = answerEnd(tail);
        if (start < 0) {
            if (blankWhileLost) {
                Arrays.fill(tail, BodyMask.BLANK);
            }
            return; // the answer goes on: a later call's tail ends it
        }
        desynchronised = false;
        onResume.run();
        add(Arrays.copyOfRange(tail, start, tail.length), out);
    }

    /**
     * The earliest offset of bytes from which packets with consecutive sequence ids run exactly to
     * their end, none continued, the last starting with 0xFE (OK/EOF) or 0xFF (ERR); -1 if none.
     */
    static int answerEnd(byte[] bytes) {
        for (int start = 0; start + HEADER < bytes.length; start++) {
            int position = start;
            int previous = -1;
            int lastHead = -1;
            while (position + HEADER <= bytes.length) {
                int length = (bytes[position] & 0xFF) | (bytes[position + 1] & 0xFF) << 8 | (bytes[position + 2] & 0xFF) << 16;
                int sequence = bytes[position + 3] & 0xFF;
                boolean fits = length < PIECE_LIMIT && length <= bytes.length - position - HEADER;
                if (!fits || previous >= 0 && sequence != (previous + 1 & 0xFF)) {
                    break;
                }
                lastHead = length == 0 ? -1 : bytes[position + HEADER] & 0xFF;
                previous = sequence;
                position += HEADER + length;
            }
            if (position == bytes.length && (lastHead == 0xFE || lastHead == 0xFF)) {
                return start;
            }
        }
        return -1;
    }

    /** Captured bytes were lost: what is buffered can no longer be framed. */
    void gap() {
        if (!desynchronised) {
            desync();
        }
    }

    private void lostInCall(byte[] call, int position) {
        boolean secret = body.mask().blanksAll() || blankWhileLost;
        desync();
        if (secret) {
            Arrays.fill(call, position, call.length, BodyMask.BLANK);
        }
    }

    /** The session found a packet that makes no sense here: drop what is buffered and resync. */
    void desync() {
        lose();
        desyncs++;
    }

    /** Packet boundaries are unknown from here (bytes lost or skipped): resume at the next plausible start. */
    private void lose() {
        desynchronised = true;
        held = NOTHING;
        headerFilled = 0;
        inBody = false;
        sequence = -1;
        continues = false;
        body.clear();
    }

    /** The stream is dropped: the body in flight gives its memory back. */
    void release() {
        body.clear();
    }

    long desyncs() {
        return desyncs;
    }

    /** Header fields of the packet a call starts with, when it has a whole header. */
    static int length(byte[] call) {
        return (call[0] & 0xFF) | (call[1] & 0xFF) << 8 | (call[2] & 0xFF) << 16;
    }

    static int sequence(byte[] call) {
        return call[3] & 0xFF;
    }
}
