package io.tlsscope.protocol.mysql;

/**
 * Protocol constants the decoder relies on. Sources: MySQL documentation ("Capabilities Flags",
 * "Text Protocol", "Prepared Statements", "OK_Packet", "Status Flags") and MariaDB's Knowledge Base
 * ("Connection", "COM_STMT_BULK_EXECUTE", "Result Set Packets") for the MariaDB extensions.
 */
final class MySqlProtocol {
    // Capability flags (lower 32 bits of the handshake response)
    static final long CLIENT_CONNECT_WITH_DB = 0x8;
    static final long CLIENT_COMPRESS = 0x20;
    static final long CLIENT_PROTOCOL_41 = 0x200;
    static final long CLIENT_SSL = 0x800;
    static final long CLIENT_SECURE_CONNECTION = 0x8000;
    static final long CLIENT_PLUGIN_AUTH = 0x80000;
    static final long CLIENT_CONNECT_ATTRS = 0x100000;
    static final long CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 0x200000;
    static final long CLIENT_DEPRECATE_EOF = 0x1000000;

    // Commands (first payload byte of a sequence-0 frontend packet)
    static final int COM_QUIT = 0x01;
    static final int COM_INIT_DB = 0x02;
    static final int COM_QUERY = 0x03;
    static final int COM_PING = 0x0E;
    static final int COM_CHANGE_USER = 0x11;
    static final int COM_STMT_PREPARE = 0x16;
    static final int COM_STMT_EXECUTE = 0x17;
    static final int COM_STMT_SEND_LONG_DATA = 0x18;
    static final int COM_STMT_CLOSE = 0x19;
    static final int COM_STMT_RESET = 0x1A;
    static final int COM_SET_OPTION = 0x1B;
    static final int COM_RESET_CONNECTION = 0x1F;
    /** MariaDB: many parameter rows in one packet. */
    static final int COM_STMT_BULK_EXECUTE = 0xFA;
    /** Highest classic command number (COM_RESET_CONNECTION ... COM_CLONE); MariaDB adds 0xFA-0xFE. */
    private static final int LAST_CLASSIC_COMMAND = 0x20;

    // Response headers
    static final int OK = 0x00;
    static final int LOCAL_INFILE = 0xFB;
    static final int EOF = 0xFE;
    static final int ERR = 0xFF;
    /** MariaDB progress report: an ERR packet with this code that is not an error. */
    static final int PROGRESS_REPORT = 0xFFFF;

    // Server status flags
    static final int SERVER_STATUS_IN_TRANS = 0x1;
    static final int SERVER_MORE_RESULTS_EXISTS = 0x8;

    /** COM_STMT_EXECUTE: "use the statement prepared last" (MariaDB pipelined prepare + execute). */
    static final long LAST_PREPARED = 0xFFFFFFFFL;
    /** COM_STMT_BULK_EXECUTE flag: parameter types are sent. */
    static final int BULK_SEND_TYPES = 128;

    /** Capability flags of a HandshakeResponse41 sent after an SSLRequest: protocol 4.1 and TLS. */
    static boolean isTlsLogin(long flags) {
        return (flags & CLIENT_PROTOCOL_41) != 0 && (flags & CLIENT_SSL) != 0;
    }

    static long littleEndian32(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16 | (long) (bytes[at + 3] & 0xFF) << 24;
    }

    static boolean isCommand(int command) {
        return command >= COM_QUIT && command <= LAST_CLASSIC_COMMAND || command == COM_STMT_BULK_EXECUTE;
    }

    /** Commands the server does not answer. */
    static boolean hasNoResponse(int command) {
        return command == COM_QUIT || command == COM_STMT_CLOSE || command == COM_STMT_SEND_LONG_DATA;
    }

    private MySqlProtocol() {
    }
}
