package io.tlsscope.protocol.mysql;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the little-endian integers and strings of a MySQL packet payload (MySQL documentation,
 * "Basic Data Types"). Reading past the end throws BufferUnderflowException, which the session
 * turns into a desynchronised, counted stream.
 */
final class MySqlReader {
    /** What a length-encoded integer's 0xFB prefix means in a row or parameter: SQL NULL. */
    static final long NULL_LENGTH = -1;

    private final ByteBuffer in;

    MySqlReader(byte[] payload) {
        this.in = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    }

    int u8() {
        return in.get() & 0xFF;
    }

    int u16() {
        return in.getShort() & 0xFFFF;
    }

    int u24() {
        return u8() | u8() << 8 | u8() << 16;
    }

    long u32() {
        return in.getInt() & 0xFFFFFFFFL;
    }

    long u64() {
        return in.getLong();
    }

    float float32() {
        return in.getFloat();
    }

    double float64() {
        return in.getDouble();
    }

    /** A length-encoded integer; {@link #NULL_LENGTH} for the 0xFB (NULL) prefix. */
    long lengthEncoded() {
        int first = u8();
        return switch (first) {
            case 0xFB -> NULL_LENGTH;
            case 0xFC -> u16();
            case 0xFD -> u24();
            case 0xFE -> u64();
            default -> first;
        };
    }

    byte[] bytes(long count) {
        if (count < 0 || count > in.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] bytes = new byte[(int) count];
        in.get(bytes);
        return bytes;
    }

    byte[] lengthEncodedBytes() {
        return bytes(lengthEncoded());
    }

    /** A NUL-terminated string, or the rest of the payload when no NUL follows. */
    String nulTerminated() {
        int start = in.position();
        int end = start;
        while (end < in.limit() && in.get(end) != 0) {
            end++;
        }
        String text = new String(in.array(), start, end - start, StandardCharsets.UTF_8);
        in.position(Math.min(in.limit(), end + 1));
        return text;
    }

    String rest() {
        return new String(bytes(in.remaining()), StandardCharsets.UTF_8);
    }

    void skip(int count) {
        in.position(in.position() + count);
    }

    int remaining() {
        return in.remaining();
    }

    int position() {
        return in.position();
    }
}
