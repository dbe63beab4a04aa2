package io.tlsscope.protocol;

import java.util.Arrays;

/**
 * Which bytes of one message body are credentials, blanked in the captured bytes in place as they
 * pass. The body may arrive over many SSL calls, so a mask sees it piece by piece, in order, with
 * each piece's offset in the body; a mask with state is made per message.
 */
public interface BodyMask {
    /** What a blanked credential byte is overwritten with. */
    byte BLANK = '*';

    /** Nothing in the body is secret. */
    BodyMask NONE = (data, from, to, bodyOffset) -> { };

    /** The whole body is secret (a PostgreSQL PasswordMessage, a MySQL auth exchange packet). */
    BodyMask ALL = (data, from, to, bodyOffset) -> Arrays.fill(data, from, to, BLANK);

    /**
     * Blanks what is secret in data[from, to), which holds the body's bytes from bodyOffset on.
     * Never changes a byte outside that range.
     */
    void apply(byte[] data, int from, int to, long bodyOffset);

    /** Whether the mask blanks every byte (so a body lost with it can be skipped unread). */
    default boolean blanksAll() {
        return this == ALL;
    }
}
