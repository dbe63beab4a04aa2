/** A TCP connection's two ends as the traced process sees them (the 4-tuple events carry). */
package io.tlsscope.conn;
