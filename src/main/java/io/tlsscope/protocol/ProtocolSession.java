package io.tlsscope.protocol;

import java.time.Instant;

/**
 * One database connection seen from one traced process. The frontend is what the client sends and
 * the server reads; the backend is the server's answer. Each direction is framed once as its bytes
 * pass: the same walk blanks credentials in the captured bytes, in place, and decodes statements
 * into query events. Never throws on bad input: a stream that cannot be framed is marked
 * desynchronised and counted, and while a connection is not known to be past authentication, what
 * cannot be framed of its frontend is blanked (fail closed).
 */
public interface ProtocolSession {

    /** Bytes the client sent (one SSL call, or one chunk of it): credentials blanked in place, then decoded. */
    void frontend(byte[] call, Instant time);

    /** Bytes the server sent. */
    void backend(byte[] call, Instant time);

    /**
     * Bytes of one direction the capture did not get, right after the bytes last given (a call
     * larger than the capture limit): skipped inside the message they belong to, which is then
     * marked truncated; the stream is lost only when they reach past it.
     */
    void skip(boolean frontendSide, long missing, Instant time);

    /**
     * The last bytes of a call whose middle the response budget skipped: skipped bytes are missing
     * right before them. When they end inside the message they began in, framing goes on; else the
     * direction resumes at the earliest point of the tail from which whole messages run exactly to
     * its end and end an answer, and the statement in flight has its rows marked partial. That is
     * policy, not a desynchronisation.
     */
    void tail(boolean frontendSide, long skipped, byte[] tail, Instant time);

    /** Captured bytes of one direction were lost, how many unknown: resynchronise and forget what was in flight. */
    void gap(boolean frontendSide);

    /**
     * Whether this session's own masks are known to cover every credential from here on: it saw the
     * connection's login start, or the connection has since proven to be past authentication. A
     * session recognised from a message in the middle of a stream is a guess (the bytes may be
     * another protocol's login that only looks like a message), so until then the stage also applies
     * the fail-closed mask for connections it does not know, before the session sees the bytes.
     */
    boolean masksExact();

    /** The connection's state is dropped: the memory its message bodies in flight hold goes back to the stage. */
    void release();

    /** Times a direction could not be framed and was resynchronised. */
    long desyncs();

    /** The connection as far as decoded: process, 4-tuple, protocol, user, database. */
    ConnectionInfo connection();
}
