package io.tlsscope.protocol.mysql;

import io.tlsscope.protocol.mysql.MySqlSession.PreparedStatement;
import java.time.Instant;
import java.util.List;

/**
 * A command on its way: what the client sent, and the server's answer as it arrives.
 *
 * @param command    the command byte, or {@link #LOGIN} for the authentication exchange
 * @param kind       the query event's command ("query", "execute", ...); null when it makes no event
 * @param statement  statement text (or schema, for init-db); null when prepared before the capture
 * @param preparedColumns the prepared statement's result columns, for an execute whose answer leaves them out
 * @param statementBytes  the statement's full length when only a prefix was captured, else null
 */
record MySqlCommand(int command, String kind, String statement, List<String> parameters, Instant start,
                    MySqlResponse response, List<String> preparedColumns, Long statementBytes) {
    /** The login exchange after the HandshakeResponse: not a command byte. */
    static final int LOGIN = -1;

    /** How far a response packet took the command. */
    enum Step {
        /** more packets of this response follow */
        MORE,
        /** the response is complete with this packet */
        DONE,
        /** the response had ended already: this packet starts the next command's answer */
        RESTART
    }

    static MySqlCommand event(int command, String kind, String statement, List<String> parameters, Instant start) {
        return new MySqlCommand(command, kind, statement, parameters, start, new MySqlResponse(command), null, null);
    }

    /** A command whose text is the rest of its packet: a prefix of it when the packet was truncated. */
    static MySqlCommand text(int command, String kind, MySqlReader in, MySqlStream.Packet packet, Instant start) {
        return new MySqlCommand(command, kind, in.rest(), List.of(), start, new MySqlResponse(command), null,
                packet.truncated() ? packet.length() - 1 : null);
    }

    /** An execution of a prepared statement, which knows the statement's result columns and captured length. */
    static MySqlCommand execution(int command, String kind, PreparedStatement statement, List<String> parameters, Instant start) {
        return new MySqlCommand(command, kind, statement.text, parameters, start, new MySqlResponse(command), statement.columns,
                statement.statementBytes);
    }

    static MySqlCommand silent(int command, Instant start) {
        return new MySqlCommand(command, null, null, List.of(), start, new MySqlResponse(command), null, null);
    }

    static MySqlCommand login(Instant start) {
        return silent(LOGIN, start);
    }
}
