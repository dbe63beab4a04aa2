package io.tlsscope.protocol.mysql;

import java.time.Instant;
import java.util.List;

/**
 * A command on its way: what the client sent, and the server's answer as it arrives.
 *
 * @param command    the command byte, or {@link #LOGIN} for the authentication exchange
 * @param kind       the query event's command ("query", "execute", ...); null when it makes no event
 * @param statement  statement text (or schema, for init-db); null when prepared before the capture
 * @param preparedColumns the prepared statement's result columns, for an execute whose answer leaves them out
 */
record MySqlCommand(int command, String kind, String statement, List<String> parameters, Instant start,
                    MySqlResponse response, List<String> preparedColumns) {
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
        return new MySqlCommand(command, kind, statement, parameters, start, new MySqlResponse(command), null);
    }

    /** An execution of a prepared statement, which knows the statement's result columns. */
    static MySqlCommand execution(int command, String kind, String statement, List<String> parameters, Instant start,
                                  List<String> preparedColumns) {
        return new MySqlCommand(command, kind, statement, parameters, start, new MySqlResponse(command), preparedColumns);
    }

    static MySqlCommand silent(int command, Instant start) {
        return new MySqlCommand(command, null, null, List.of(), start, new MySqlResponse(command), null);
    }

    static MySqlCommand login(Instant start) {
        return silent(LOGIN, start);
    }
}
