package io.tlsscope.protocol;

import io.tlsscope.conn.TcpTuple;

/**
 * The connection a query ran on, as seen by the traced process.
 *
 * @param user        from the startup message, when the capture saw it
 * @param application application_name from the startup message
 */
public record ConnectionInfo(int pid, String comm, TcpTuple tuple, String protocol, String user, String database,
                             String application) {
}
