package io.tlsscope.protocol.mysql;

import static io.tlsscope.protocol.mysql.MySqlProtocol.COM_CHANGE_USER;
import static io.tlsscope.protocol.mysql.MySqlProtocol.isTlsLogin;

import io.tlsscope.protocol.BodyMask;
import java.util.Arrays;

/**
 * Which bytes of MySQL/MariaDB frontend packets are credentials. The rule is deliberately coarse:
 * after the user name, everything of a login or COM_CHANGE_USER packet is blanked (auth response,
 * database, plugin name, connection attributes), whatever the capability flags say about how the
 * auth response is encoded, so no encoding can leave a byte of it readable. Lengths are kept, so
 * the stream still frames; the decoder reads user and database from its own copy, taken before.
 */
final class MySqlAuthMasks {
    /** Fixed part of HandshakeResponse41 before the user name: flags, max packet, charset, filler. */
    static final int LOGIN_FIXED_PART = 4 + 4 + 1 + 23;
    /** Where the filler starts; its first 19 bytes are zero (MariaDB uses the last 4 for capabilities). */
    private static final int FILLER_START = 9;
    private static final int ZERO_FILLER = 19;

    private MySqlAuthMasks() {
    }

    /**
     * A packet that may be a HandshakeResponse41: its fixed part is checked as it passes (TLS login
     * flags, zero filler); when it is one, everything after the user name is blanked. Otherwise (LOCAL
     * INFILE data at sequence 2) nothing is.
     */
    static BodyMask login() {
        return new AfterUserName(true, LOGIN_FIXED_PART);
    }

    /** A command packet: when it is COM_CHANGE_USER, everything after the user name is blanked. */
    static BodyMask command() {
        return new AfterUserName(false, 1);
    }

    /** Blanks from the NUL that ends the user name (which starts at userStart) to the end of the body. */
    private static final class AfterUserName implements BodyMask {
        private final boolean login;
        private final int userStart;
        private long flags;
        private boolean applies = true;
        private boolean blanking;

        AfterUserName(boolean login, int userStart) {
            this.login = login;
            this.userStart = userStart;
        }

        @Override
        public void apply(byte[] data, int from, int to, long bodyOffset) {
            int i = from;
            while (i < to && applies && !blanking) {
                look(data[i] & 0xFF, bodyOffset + (i - from));
                i++;
            }
            if (blanking) {
                Arrays.fill(data, i, to, BLANK); // from just after the user name's NUL on
            }
        }

        private void look(int value, long offset) {
            if (offset < userStart) {
                if (login) {
                    checkFixedPart(value, offset);
                } else if (offset == 0 && value != COM_CHANGE_USER) {
                    applies = false; // another command: nothing secret in it
                }
                return;
            }
            if (value == 0) {
                blanking = true; // the user name ends here
            }
        }

        private void checkFixedPart(int value, long offset) {
            if (offset < 4) {
                flags |= (long) value << (8 * offset);
            }
            boolean fillerByte = offset >= FILLER_START && offset < FILLER_START + ZERO_FILLER;
            if (fillerByte && value != 0 || offset == userStart - 1 && !isTlsLogin(flags)) {
                applies = false; // not a login
            }
        }
    }
}
