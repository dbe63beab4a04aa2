package io.tlsscope.protocol.mysql;

import static io.tlsscope.protocol.mysql.MySqlProtocol.*;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.protocol.ConnectionOpenings;
import io.tlsscope.protocol.LruMap;
import java.util.Arrays;
import java.util.Map;

/**
 * Blanks MySQL/MariaDB authentication data in captured plaintext before anything else sees it:
 * the auth response of the HandshakeResponse (the first frontend packet after TLS starts), every
 * later frontend packet of the login (auth switch responses, which for mysql_clear_password or
 * caching_sha2 full authentication are the password itself), and COM_CHANGE_USER's auth data with
 * the exchange that follows it. User and database stay readable; lengths are kept, so the stream
 * still frames. Authentication ends with the client's first command (a sequence-0 packet).
 * Called on the ring-buffer reader thread only.
 */
public final class MySqlCredentialMask {
    private static final int MAX_CONNECTIONS = 16384;
    static final byte MASK = '*';
    /** Fixed part of HandshakeResponse41 before the user name: flags, max packet, charset, filler. */
    private static final int FIXED_PART = 4 + 4 + 1 + 23;
    /** Where the filler starts; its first 19 bytes are zero (MariaDB uses the last 4 for capabilities). */
    private static final int FILLER_START = 9;
    private static final int ZERO_FILLER = 19;

    /** What the bytes being walked are, inside the current packet. */
    private enum Field { SKIP, MASK, MASK_AUTH, HANDSHAKE_FIXED, USER, AUTH_LENGTH, AUTH_TO_NUL, COMMAND, CHANGE_USER_NAME }

    private final ConnectionOpenings openings = new ConnectionOpenings(8);
    private final Map<String, Cursor> connections = new LruMap<>(MAX_CONNECTIONS);

    /** Where the walk through one connection's frontend bytes stands. */
    private static final class Cursor {
        final Direction frontend;
        final byte[] header = new byte[4];
        int headerFilled;
        long bodyLeft;
        boolean handshakeSeen;
        boolean authenticating = true;
        Field field = Field.SKIP;
        int fixedRead;
        long flags;
        int lengthBytesLeft = -1;
        long authLeft;

        Cursor(Direction frontend) {
            this.frontend = frontend;
        }
    }

    /** Masks authentication data in the event's bytes, in place. */
    public void mask(String key, TlsDataEvent event) {
        Cursor cursor = connections.get(key);
        if (cursor == null) {
            ConnectionOpenings.Opening opening = openings.offer(key, event.direction(), event.data());
            if (opening == null) {
                return;
            }
            if (!MySqlSession.startsWithHandshakeResponse(opening.head())) {
                openings.rejected(key);
                return;
            }
            openings.recognised(key);
            cursor = new Cursor(event.direction());
            connections.put(key, cursor);
            walk(cursor, opening.earlierBytes().clone()); // earlier pieces were sent on: only move past them
        }
        if (event.direction() == cursor.frontend) {
            walk(cursor, event.data());
        }
    }

    private static void walk(Cursor cursor, byte[] data) {
        int position = 0;
        while (position < data.length) {
            if (cursor.bodyLeft == 0) {
                cursor.header[cursor.headerFilled++] = data[position++];
                if (cursor.headerFilled == 4) {
                    startPacket(cursor);
                }
                continue;
            }
            int span = (int) Math.min(cursor.bodyLeft, data.length - position);
            int used = switch (cursor.field) {
                case SKIP -> span;
                case MASK -> {
                    Arrays.fill(data, position, position + span, MASK);
                    yield span;
                }
                case MASK_AUTH -> {
                    int auth = (int) Math.min(span, cursor.authLeft);
                    Arrays.fill(data, position, position + auth, MASK);
                    cursor.authLeft -= auth;
                    if (cursor.authLeft == 0) {
                        cursor.field = Field.SKIP; // database, plugin name, attributes stay readable
                    }
                    yield auth;
                }
                default -> {
                    fieldByte(cursor, data, position);
                    yield 1;
                }
            };
            position += used;
            cursor.bodyLeft -= used;
        }
    }

    private static void startPacket(Cursor cursor) {
        cursor.headerFilled = 0;
        cursor.bodyLeft = (cursor.header[0] & 0xFF) | (cursor.header[1] & 0xFF) << 8 | (cursor.header[2] & 0xFF) << 16;
        int sequence = cursor.header[3] & 0xFF;
        if (!cursor.handshakeSeen) {
            cursor.handshakeSeen = true;
            cursor.field = Field.HANDSHAKE_FIXED;
            cursor.fixedRead = 0;
            cursor.flags = 0;
        } else if (sequence == 2 && !cursor.authenticating) {
            // LOCAL INFILE data, or the login of a new connection on a reused SSL object: the fixed
            // part tells (a login's filler is zero); a login is then masked like the first one
            cursor.field = Field.HANDSHAKE_FIXED;
            cursor.fixedRead = 0;
            cursor.flags = 0;
        } else if (sequence != 0) {
            cursor.field = cursor.authenticating ? Field.MASK : Field.SKIP; // login exchange, or LOCAL INFILE data
        } else {
            cursor.authenticating = false;
            cursor.field = Field.COMMAND;
        }
    }

    /** One byte of a packet whose fields are being followed. */
    private static void fieldByte(Cursor cursor, byte[] data, int position) {
        int value = data[position] & 0xFF;
        switch (cursor.field) {
            case HANDSHAKE_FIXED -> {
                if (cursor.fixedRead < 4) {
                    cursor.flags |= (long) value << (8 * cursor.fixedRead);
                }
                boolean fillerByte = cursor.fixedRead >= FILLER_START && cursor.fixedRead < FILLER_START + ZERO_FILLER;
                if (fillerByte && value != 0) {
                    cursor.field = Field.SKIP; // not a login
                } else if (++cursor.fixedRead == FIXED_PART) {
                    boolean login = isTlsLogin(cursor.flags);
                    cursor.field = login ? Field.USER : Field.SKIP;
                    cursor.authenticating |= login;
                }
            }
            case USER -> {
                if (value == 0) {
                    boolean lengthEncoded = (cursor.flags & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0;
                    boolean lengthPrefixed = (cursor.flags & CLIENT_SECURE_CONNECTION) != 0;
                    cursor.field = lengthEncoded || lengthPrefixed ? Field.AUTH_LENGTH : Field.AUTH_TO_NUL;
                    cursor.lengthBytesLeft = lengthEncoded ? -1 : 0; // -1: the first byte tells
                    cursor.authLeft = 0;
                }
            }
            case AUTH_LENGTH -> authLength(cursor, value);
            case AUTH_TO_NUL -> {
                if (value == 0) {
                    cursor.field = Field.SKIP;
                } else {
                    data[position] = MASK;
                }
            }
            case COMMAND -> {
                if (value == COM_CHANGE_USER) {
                    cursor.authenticating = true; // an auth exchange follows the command
                    cursor.field = Field.CHANGE_USER_NAME;
                } else {
                    cursor.field = Field.SKIP;
                }
            }
            case CHANGE_USER_NAME -> {
                if (value == 0) {
                    cursor.field = Field.MASK; // auth data, then schema, charset, plugin: all blanked
                }
            }
            default -> throw new IllegalStateException("not a byte-wise field: " + cursor.field);
        }
    }

    /** The auth response length: one byte, or a length-encoded integer (first byte 0xFC-0xFE: 2, 3 or 8 more). */
    private static void authLength(Cursor cursor, int value) {
        if (cursor.lengthBytesLeft < 0) {
            cursor.lengthBytesLeft = switch (value) {
                case 0xFC -> 2;
                case 0xFD -> 3;
                case 0xFE -> 8;
                default -> 0;
            };
            cursor.authLeft = cursor.lengthBytesLeft == 0 ? value : 0;
            cursor.fixedRead = 0;
        } else if (cursor.lengthBytesLeft > 0) {
            cursor.authLeft |= (long) value << (8 * cursor.fixedRead++);
            cursor.lengthBytesLeft--;
        } else {
            cursor.authLeft = value; // CLIENT_SECURE_CONNECTION: one length byte
        }
        if (cursor.lengthBytesLeft == 0) {
            cursor.field = cursor.authLeft > 0 ? Field.MASK_AUTH : Field.SKIP;
        }
    }
}
