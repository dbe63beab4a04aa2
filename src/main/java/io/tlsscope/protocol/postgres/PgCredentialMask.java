package io.tlsscope.protocol.postgres;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.protocol.ConnectionOpenings;
import io.tlsscope.protocol.LruMap;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Blanks PostgreSQL PasswordMessage / SASL messages ('p') in captured plaintext before anything
 * else sees it (event bus, SSE, decoders, logs): credentials never leave the tracer. A connection
 * is followed from its startup packet; its frontend direction is walked message by message across
 * SSL calls and chunks, and the body of every 'p' message is overwritten in place. Connections
 * first seen after their startup have authenticated already and carry no password.
 */
public final class PgCredentialMask {
    private static final int MAX_CONNECTIONS = 16384;
    private static final int PROTOCOL_3 = 196608;
    /** Bytes a blanked credential is overwritten with. */
    static final byte MASK = '*';

    private final Map<String, Cursor> connections = new LruMap<>(MAX_CONNECTIONS);

    /** Where the walk through one connection's frontend bytes stands. */
    private static final class Cursor {
        final Direction frontend;
        final byte[] header = new byte[5];
        int headerFilled;
        boolean untyped = true; // the startup packet has no type byte
        long bodyLeft;
        boolean masking;

        Cursor(Direction frontend) {
            this.frontend = frontend;
        }
    }

    private final ConnectionOpenings openings = new ConnectionOpenings(8);

    /** Masks credentials in event's data, in place. Called on the ring-buffer reader thread only. */
    public void mask(String key, TlsDataEvent event) {
        Cursor cursor = connections.get(key);
        if (cursor == null) {
            cursor = recognise(key, event);
            if (cursor == null) {
                return;
            }
        }
        if (event.direction() == cursor.frontend) {
            walk(cursor, event.data());
        }
    }

    /**
     * Collects a direction's first 8 bytes (a startup packet may come in pieces); when they are a
     * v3 startup packet, follows the connection from there. Null while undecided or when it is not.
     */
    private Cursor recognise(String key, TlsDataEvent event) {
        ConnectionOpenings.Opening opening = openings.offer(key, event.direction(), event.data());
        if (opening == null) {
            return null;
        }
        if (ByteBuffer.wrap(opening.head()).getInt(4) != PROTOCOL_3) {
            openings.rejected(key);
            return null;
        }
        openings.recognised(key);
        Cursor cursor = new Cursor(event.direction());
        connections.put(key, cursor);
        // replay the bytes of earlier calls (already sent on) to stand at the right place in this one
        walk(cursor, opening.earlierBytes().clone());
        return cursor;
    }

    private static void walk(Cursor cursor, byte[] data) {
        int position = 0;
        while (position < data.length) {
            if (cursor.bodyLeft > 0) {
                int span = (int) Math.min(cursor.bodyLeft, data.length - position);
                if (cursor.masking) {
                    Arrays.fill(data, position, position + span, MASK);
                }
                position += span;
                cursor.bodyLeft -= span;
                continue;
            }
            int headerSize = cursor.untyped ? 4 : 5;
            cursor.header[cursor.headerFilled++] = data[position++];
            if (cursor.headerFilled < headerSize) {
                continue;
            }
            int length = ByteBuffer.wrap(cursor.header, cursor.untyped ? 0 : 1, 4).getInt();
            cursor.masking = !cursor.untyped && cursor.header[0] == 'p';
            cursor.bodyLeft = Math.max(0, (length & 0xFFFFFFFFL) - 4); // unsigned: a bogus huge length masks all after a 'p'
            // after Terminate, a process that reuses the SSL object's address starts a new connection
            cursor.untyped = !cursor.untyped && cursor.header[0] == 'X';
            cursor.headerFilled = 0;
        }
    }
}
