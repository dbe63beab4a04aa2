package io.tlsscope.protocol.mysql;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Cuts one direction of a MySQL/MariaDB connection into packets, however the application split its
 * SSL calls: 3-byte little-endian payload length, 1-byte sequence id, payload. A payload of exactly
 * 0xFFFFFF bytes continues in the next packet; the pieces are joined into one logical packet
 * (MySQL documentation, "MySQL Packets"). A logical packet over {@link #MAX_PACKET} marks the
 * stream desynchronised, as does a gap; bytes are then discarded until an SSL call starts with a
 * plausible packet (applications write whole packets per call, so call starts are the natural
 * resync points). Compression (CLIENT_COMPRESS) is not decoded: the session never asks for it here.
 */
final class MySqlPackets {
    /** A logical packet: the sequence id of its first piece and the joined payload. */
    record Packet(int sequence, byte[] payload) {
    }

    /** Largest logical packet accepted (max_allowed_packet defaults to 16 MiB in MariaDB 10.11). */
    static final int MAX_PACKET = 64 * 1024 * 1024;
    private static final int PIECE_LIMIT = 0xFFFFFF;
    private static final int HEADER = 4;

    private final Predicate<byte[]> plausibleStart;
    private byte[] buffer = new byte[0];
    private final ByteArrayOutputStream joined = new ByteArrayOutputStream();
    private int joinedSequence = -1;
    private boolean desynchronised;
    private long desyncs;

    /** @param plausibleStart whether an SSL call may begin a packet, used to resynchronise */
    MySqlPackets(Predicate<byte[]> plausibleStart) {
        this.plausibleStart = plausibleStart;
    }

    /** Adds the bytes of one SSL call; returns the whole logical packets now available. */
    List<Packet> add(byte[] call) {
        if (desynchronised) {
            if (!plausibleStart.test(call)) {
                return List.of();
            }
            desynchronised = false;
            buffer = new byte[0];
        }
        byte[] bytes = concat(buffer, call);
        List<Packet> packets = new ArrayList<>();
        int position = 0;
        while (bytes.length - position >= HEADER) {
            int length = (bytes[position] & 0xFF) | (bytes[position + 1] & 0xFF) << 8 | (bytes[position + 2] & 0xFF) << 16;
            if (bytes.length - position - HEADER < length) {
                break;
            }
            int sequence = bytes[position + 3] & 0xFF;
            if (joined.size() + length > MAX_PACKET) {
                desync();
                return packets;
            }
            if (joinedSequence < 0) {
                joinedSequence = sequence;
            }
            joined.write(bytes, position + HEADER, length);
            position += HEADER + length;
            if (length < PIECE_LIMIT) {
                packets.add(new Packet(joinedSequence, joined.toByteArray()));
                joined.reset();
                joinedSequence = -1;
            }
        }
        buffer = java.util.Arrays.copyOfRange(bytes, position, bytes.length);
        return packets;
    }

    /** A lost or truncated chunk: what is buffered can no longer be framed. */
    void gap() {
        desync();
    }

    /** The session found a packet that makes no sense here: drop what is buffered and resync. */
    void desync() {
        desynchronised = true;
        desyncs++;
        buffer = new byte[0];
        joined.reset();
        joinedSequence = -1;
    }

    long desyncs() {
        return desyncs;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        if (first.length == 0) {
            return second;
        }
        byte[] bytes = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, bytes, first.length, second.length);
        return bytes;
    }

    /** Header fields of the packet a call starts with, when it has a whole header. */
    static int length(byte[] call) {
        return (call[0] & 0xFF) | (call[1] & 0xFF) << 8 | (call[2] & 0xFF) << 16;
    }

    static int sequence(byte[] call) {
        return call[3] & 0xFF;
    }
}
