/**
 * PostgreSQL frontend/backend protocol version 3: message framing, startup, simple and extended
 * query, COPY, notices, errors. Wire specification: PostgreSQL documentation, chapter "Frontend/Backend
 * Protocol" (www.postgresql.org/docs/current/protocol.html), sections "Message Flow" and "Message Formats".
 */
package io.tlsscope.protocol.postgres;
