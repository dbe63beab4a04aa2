package io.tlsscope.protocol.mysql;

import io.tlsscope.protocol.ByteQueue;
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
    private final ByteQueue buffer = new ByteQueue();
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
            buffer.clear();
        }
        buffer.append(call);
        List<Packet> packets = new ArrayList<>();
        while (buffer.size() >= HEADER) {
            int length = buffer.littleEndian24(0);
            if (buffer.size() - HEADER < length) {
                break;
            }
            int sequence = buffer.unsignedByte(3);
            if (joined.size() + length > MAX_PACKET) {
                desync();
                return packets;
            }
            if (joinedSequence < 0) {
                joinedSequence = sequence;
            }
            buffer.skip(HEADER);
            joined.writeBytes(buffer.take(length));
            if (length < PIECE_LIMIT) {
                packets.add(new Packet(joinedSequence, joined.toByteArray()));
                joined.reset();
                joinedSequence = -1;
            }
        }
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
        buffer.clear();
        joined.reset();
        joinedSequence = -1;
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
