package io.tlsscope.protocol;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.collections.LruMap;
import java.util.Arrays;
import java.util.Map;

/**
 * The first bytes of each direction of connections not recognised yet, gathered across SSL calls
 * (an opening packet may arrive in pieces), so that a protocol can be recognised from its opening
 * message. Each direction's opening is offered once, when enough bytes are there. Bounded: the
 * least recently seen connections are forgotten first.
 */
public final class ConnectionOpenings {
    private static final int MAX_CONNECTIONS = 16384;

    private final int needed;
    private final Map<Long, byte[][]> pending = new LruMap<>(MAX_CONNECTIONS);

    /**
     * A direction's first bytes.
     *
     * @param head         the first {@code needed} bytes
     * @param earlierBytes bytes of earlier calls in this direction (already passed on)
     */
    public record Opening(byte[] head, byte[] earlierBytes) {
    }

    public ConnectionOpenings(int needed) {
        this.needed = needed;
    }

    /** Adds a call's bytes; returns the direction's opening when it has just become complete, else null. */
    public Opening offer(long connection, Direction direction, byte[] data) {
        byte[][] prefixes = pending.computeIfAbsent(connection, ignored -> new byte[][] {new byte[0], new byte[0]});
        int side = direction == Direction.WRITE ? 0 : 1;
        byte[] before = prefixes[side];
        if (before.length >= needed) {
            return null; // this direction's opening was offered already
        }
        byte[] joined = Arrays.copyOf(before, Math.min(needed, before.length + data.length));
        System.arraycopy(data, 0, joined, before.length, joined.length - before.length);
        prefixes[side] = joined;
        return joined.length < needed ? null : new Opening(joined, before);
    }

    /** The opening just offered was not recognised: forget the connection once both directions were. */
    public void rejected(long connection) {
        byte[][] prefixes = pending.get(connection);
        if (prefixes != null && prefixes[0].length >= needed && prefixes[1].length >= needed) {
            pending.remove(connection);
        }
    }

    /** The connection was recognised, or has ended: nothing more to gather. */
    public void recognised(long connection) {
        pending.remove(connection);
    }
}
