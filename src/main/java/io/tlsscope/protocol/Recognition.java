package io.tlsscope.protocol;

import io.tlsscope.protocol.mysql.MySqlSession;
import io.tlsscope.protocol.postgres.PgSession;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one place a connection's database protocol is recognised, from the first bytes of one
 * direction: PostgreSQL when they are a v3 startup packet, MySQL/MariaDB when they are a
 * HandshakeResponse41 (sequence 2, protocol-4.1 and TLS flags: the first packet after TLS starts);
 * for connections older than the capture, a plausible PostgreSQL frontend message or MySQL command
 * packet. The direction that carries the frontend's bytes tells whether the process is the client
 * (it writes them) or the server (it reads them).
 */
public final class Recognition {
    /** Opening bytes needed: a startup packet's length and version, a MySQL header and capability flags. */
    public static final int OPENING_BYTES = 8;
    private static final int PROTOCOL_3 = 196608;
    private static final String FRONTEND_TYPES = "QPBEXHSDCFpdcf";

    private Recognition() {
    }

    /**
     * A session for the connection whose direction opened with these bytes, when it is a database
     * connection; empty otherwise.
     *
     * @param opening      the direction's first {@link #OPENING_BYTES} bytes
     * @param writeSide    whether the process wrote them (then it is the client)
     * @param connection   the process and 4-tuple
     * @param budget       the stage's memory for message bodies in flight
     */
    public static Optional<ProtocolSession> recognise(byte[] opening, boolean writeSide, ConnectionInfo connection,
                                                      Consumer<QueryEvent> sink, KeptBytes budget) {
        String side = writeSide ? "client" : "server";
        if (postgresStartup(opening)) {
            return Optional.of(new PgSession(side, connection.recognisedAs("postgresql"), sink, true, budget));
        }
        if (postgresMessage(opening)) {
            return Optional.of(new PgSession(side, connection.recognisedAs("postgresql"), sink, false, budget));
        }
        if (MySqlSession.startsWithHandshakeResponse(opening)) {
            return Optional.of(new MySqlSession(side, connection.recognisedAs("mysql"), sink, true, budget));
        }
        if (MySqlSession.plausibleCommandCall(opening)) {
            return Optional.of(new MySqlSession(side, connection.recognisedAs("mysql"), sink, false, budget));
        }
        return Optional.empty();
    }


    /** A v3 startup packet: its length, then the protocol version. */
    private static boolean postgresStartup(byte[] data) {
        ByteBuffer head = ByteBuffer.wrap(data);
        return data.length >= 8 && head.getInt(4) == PROTOCOL_3 && head.getInt(0) >= 8;
    }

    /** A frontend message of a connection older than the capture: a message type and a plausible length. */
    private static boolean postgresMessage(byte[] data) {
        if (data.length < 5 || FRONTEND_TYPES.indexOf((char) (data[0] & 0xFF)) < 0) {
            return false;
        }
        int length = ByteBuffer.wrap(data).getInt(1);
        return length >= 4 && length <= (1 << 20);
    }
}
