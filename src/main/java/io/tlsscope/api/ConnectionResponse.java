package io.tlsscope.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A TLS connection data was captured on, seen from one process.
 *
 * @param local    the process's end, host:port
 * @param remote   the other end
 * @param protocol postgresql or mysql once the decoder recognised it, else absent
 * @param calls    SSL calls captured on it
 * @param lastSeen when data was last captured (ISO-8601)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectionResponse(int pid, String comm, int fd, String local, String remote, String protocol, String user,
                                 String database, long calls, long bytes, String lastSeen) {
}
