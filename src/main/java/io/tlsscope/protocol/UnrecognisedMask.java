package io.tlsscope.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fail-closed masking for a connection whose protocol is not known (yet): its start was not seen
 * (tlsscope started mid-login, or the record with its startup was lost), or it is no database
 * connection. Whatever in it could be a PostgreSQL PasswordMessage/SASL message ('p' and a
 * plausible length) or a MySQL/MariaDB authentication packet (a packet of sequence 1-255 that is
 * the whole call, or whose header is the whole call, as servers read headers first) is blanked,
 * its body followed into the next calls. A false match only blanks bytes of a raw event.
 * After bytes were lost (a call or a chunk missing from the kernel's numbering), the next call of
 * the direction is blanked whole: it may be the body of an authentication packet whose header was
 * in the lost call (MySQL/MariaDB servers read a packet's header and its body in two calls); and
 * if it is such a header itself, the body it announces is blanked in the calls after it.
 * One per connection, on the capture thread.
 */
final class UnrecognisedMask {
    /** Bodies of a credential message are small; a longer claimed length is no such message. */
    private static final int MAX_SECRET = 1 << 20;
    private static final int PG_HEADER = 5;
    private static final int MYSQL_HEADER = 4;

    /** Bytes of a secret body still to come, per direction (0 write, 1 read). */
    private final long[] secretLeft = new long[2];
    /** Whether bytes of the direction were lost just before its next call. */
    private final boolean[] afterGap = new boolean[2];

    /** Bytes of the direction (0 write, 1 read) were lost: its next call is blanked whole. */
    void gap(int direction) {
        afterGap[direction] = true;
    }

    /** Blanks, in place, what could be credentials in one call's bytes; returns whether anything was. */
    boolean apply(byte[] data, int direction) {
        if (afterGap[direction]) {
            afterGap[direction] = false;
            // blanked whole, yet read first: a credential message it starts may go on in the next call (a
            // MariaDB server reads an auth answer's header alone, and its scramble or password next)
            blankCredentials(data, direction);
            Arrays.fill(data, BodyMask.BLANK);
            return true;
        }
        return blankCredentials(data, direction);
    }

    /** Blanks what could be credentials, following a body announced here into the direction's next calls. */
    private boolean blankCredentials(byte[] data, int direction) {
        int position = 0;
        boolean blanked = false;
        if (secretLeft[direction] > 0) {
            int span = (int) Math.min(secretLeft[direction], data.length);
            Arrays.fill(data, 0, span, BodyMask.BLANK);
            secretLeft[direction] -= span;
            position = span;
            blanked = true;
        }
        while (position < data.length) {
            long body = postgresPassword(data, position);
            int header = PG_HEADER;
            if (body < 0 && position == 0) {
                body = mysqlAuthPacket(data);
                header = MYSQL_HEADER;
            }
            if (body < 0) {
                break;
            }
            int start = position + header;
            int span = (int) Math.min(body, data.length - start);
            Arrays.fill(data, start, start + span, BodyMask.BLANK);
            secretLeft[direction] = body - span;
            position = start + span;
            blanked = true;
        }
        return blanked;
    }

    /** The body length of a 'p' message starting at position, or -1. */
    private static long postgresPassword(byte[] data, int position) {
        if (data.length - position < PG_HEADER || data[position] != 'p') {
            return -1;
        }
        int length = ByteBuffer.wrap(data, position + 1, 4).getInt();
        return length > 4 && length - 4 <= MAX_SECRET ? length - 4 : -1;
    }

    /** The payload length of an authentication packet that the call is (or whose header it is), or -1. */
    private static long mysqlAuthPacket(byte[] data) {
        if (data.length < MYSQL_HEADER) {
            return -1;
        }
        int length = (data[0] & 0xFF) | (data[1] & 0xFF) << 8 | (data[2] & 0xFF) << 16;
        int sequence = data[3] & 0xFF;
        boolean wholeCall = data.length == MYSQL_HEADER + length || data.length == MYSQL_HEADER;
        return sequence != 0 && length >= 1 && length <= MAX_SECRET && wholeCall ? length : -1;
    }
}
