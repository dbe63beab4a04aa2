/**
 * The data path from the ring buffer to the event bus, on the ring-buffer thread: decode a record,
 * hand captured plaintext to the protocol stage (credentials blanked, statements decoded), count it
 * per library and connection, publish. Exec and exit records go to discovery.
 */
package io.tlsscope.capture;
