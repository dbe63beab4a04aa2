package io.tlsscope.protocol;

import io.tlsscope.conn.TcpTuple;

/**
 * The connection a query ran on, as seen by the traced process.
 *
 * @param id          the kernel's connection id, never reused (0: identity unknown)
 * @param protocol    postgresql or mysql once recognised
 * @param user        from the startup message or login, when the capture saw it
 * @param application application_name from the startup message
 */
public record ConnectionInfo(long id, int pid, String comm, TcpTuple tuple, String protocol, String user, String database,
                             String application) {

    /** This connection, recognised as protocol; nothing of a login known yet. */
    public ConnectionInfo recognisedAs(String recognised) {
        return new ConnectionInfo(id, pid, comm, tuple, recognised, null, null, null);
    }

    /** This connection as a login (or a later change) told: user, database, application. */
    public ConnectionInfo loggedIn(String loginUser, String loginDatabase, String loginApplication) {
        return new ConnectionInfo(id, pid, comm, tuple, protocol, loginUser, loginDatabase, loginApplication);
    }
}
