package io.tlsscope.protocol;

import io.tlsscope.events.StreamEvent;
import java.time.Instant;
import java.util.List;

/**
 * One database statement and its outcome, decoded from a captured TLS connection.
 *
 * @param side        "client" when the client process's traffic was decoded, "server" for the server's
 * @param parameters  bound parameter values, text or decoded binary; null entries for SQL NULL
 * @param commandTag  e.g. "SELECT 1", "INSERT 0 3"; null when the statement failed
 * @param rows        rows the server returned or the command affected, when known
 * @param transactionStatus I (idle), T (in a transaction) or E (failed transaction), after the statement
 */
public record QueryEvent(ConnectionInfo connection, String side, String statement, List<String> parameters,
                         Instant start, Instant end, String commandTag, Long rows, String sqlState, String error,
                         String transactionStatus) implements StreamEvent {
}
