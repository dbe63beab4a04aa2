package io.tlsscope.protocol;

import java.time.Instant;

/**
 * One database connection seen from one traced process, decoded into query events. The frontend
 * is what the client sends and the server reads; the backend is the server's answer. Decoding
 * never throws on bad input: a stream that cannot be framed is marked desynchronised and counted.
 */
public interface ProtocolSession {

    /** Bytes the client sent (one SSL call, or one chunk of it). */
    void frontend(byte[] call, Instant time);

    /** Bytes the server sent. */
    void backend(byte[] call, Instant time);

    /** Captured bytes were lost in one direction: resynchronise and forget what was in flight. */
    void gap(boolean frontendSide);

    /** Times a direction could not be framed and was resynchronised. */
    long desyncs();

    /** The connection as far as decoded: process, 4-tuple, protocol, user, database. */
    ConnectionInfo connection();
}
