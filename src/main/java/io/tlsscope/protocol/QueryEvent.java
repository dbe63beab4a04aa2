package io.tlsscope.protocol;

import io.tlsscope.events.StreamEvent;
import java.time.Instant;
import java.util.List;

/**
 * One database statement and its outcome, decoded from a captured TLS connection.
 *
 * @param side        "client" when the client process's traffic was decoded, "server" for the server's
 * @param command     how the statement was sent: "query" (simple query / COM_QUERY), "execute" (extended
 *                    protocol Execute / COM_STMT_EXECUTE), "prepare", "bulk-execute" (MariaDB), "init-db"
 *                    (MySQL COM_INIT_DB; the statement is then the schema name), "login" (a refused login, with its
 *                    SQLSTATE / error code and message; the statement is empty)
 * @param parameters  bound parameter values, text or decoded binary; null entries for SQL NULL
 * @param commandTag  e.g. "SELECT 1", "INSERT 0 3"; null when the statement failed
 * @param rows        rows the server returned or the command affected, when known
 * @param errorCode   MySQL/MariaDB error number; null for PostgreSQL and for success
 * @param transactionStatus I (idle), T (in a transaction) or E (failed transaction, PostgreSQL), after the statement
 * @param notices     PostgreSQL NoticeResponses raised while the statement ran ("SEVERITY SQLSTATE: message"); null if none
 * @param copy        what a COPY moved (its data is not kept); null for other statements
 * @param columns     names of the result columns (RowDescription / column definitions); null without a result set
 * @param statementBytes the statement's length in bytes as sent, when only a prefix of it was captured (a call
 *                    larger than the capture limit; the statement holds that prefix); null when it is whole
 * @param responseBytesSkipped bytes of the server's answer the response budget skipped (a large result); null when
 *                    the answer was captured whole
 * @param rowsPartial true when rows is only a lower bound: rows were among the skipped bytes and no command tag
 *                    or OK packet stated the count; null otherwise
 * @param columnsPartial true when columns lacks names the response budget skipped (a result with a very
 *                    long column description); null otherwise
 */
public record QueryEvent(ConnectionInfo connection, String side, String command, String statement,
                         List<String> parameters, Instant start, Instant end, String commandTag, Long rows,
                         String sqlState, Integer errorCode, String error, String transactionStatus,
                         List<String> notices, CopySummary copy, List<String> columns, Long statementBytes,
                         Long responseBytesSkipped, Boolean rowsPartial, Boolean columnsPartial)
        implements StreamEvent {

    /** A statement whose answer was captured whole. */
    public QueryEvent(ConnectionInfo connection, String side, String command, String statement,
                      List<String> parameters, Instant start, Instant end, String commandTag, Long rows,
                      String sqlState, Integer errorCode, String error, String transactionStatus,
                      List<String> notices, CopySummary copy, List<String> columns, Long statementBytes) {
        this(connection, side, command, statement, parameters, start, end, commandTag, rows, sqlState, errorCode, error,
                transactionStatus, notices, copy, columns, statementBytes, null, null, null);
    }

    /**
     * The data of a COPY, counted, not kept.
     *
     * @param direction "in" (FROM STDIN: the client sent it), "out" (TO STDOUT) or "both" (replication)
     */
    public record CopySummary(String direction, long messages, long bytes) {
    }
}
