package io.tlsscope.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.tlsscope.events.LibraryRef;
import io.tlsscope.host.HostIdentity;

/**
 * JSON form of one captured plaintext chunk, as streamed on /api/v1/events. Field documentation:
 * schema TlsDataEvent in src/main/resources/META-INF/openapi.json (the stream is a Vert.x route, so
 * its OpenAPI description is written there; EventViewSchemaTest keeps the two in step). Written by
 * {@link EventViewSerializer}; base64 holds the captured bytes, which JSON shows as base64 text.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonSerialize(using = EventViewSerializer.class)
public record EventView(
        String type,
        String time,
        HostIdentity host,
        int pid,
        int tid,
        String comm,
        String direction,
        String function,
        LibraryRef library,
        String ssl,
        long connectionId,
        int fd,
        String fdMethod,
        String layout,
        ConnectionRef connection,
        long cgroupId,
        String containerId,
        String callId,
        long callSequence,
        int callBytes,
        int chunk,
        boolean lastChunk,
        boolean truncated,
        long offset,
        int length,
        String text,
        Boolean textExact,
        byte[] base64) {

    /** Source is the traced process's end of the connection. */
    public record ConnectionRef(String source, String destination) {
    }
}
