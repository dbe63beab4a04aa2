package io.tlsscope.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** JSON form of one captured plaintext chunk, as streamed on /api/v1/events. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "TlsDataEvent", description = "One chunk of plaintext captured from one SSL call")
public record EventView(
        @Schema(description = "always tls-data for now") String type,
        @Schema(description = "wall-clock time of the SSL call's return, ISO-8601") String time,
        int pid,
        int tid,
        @Schema(description = "process name (kernel comm, 15 characters at most)") String comm,
        @Schema(description = "write: the process sent it through SSL_write; read: SSL_read returned it") String direction,
        @Schema(description = "SSL_write, SSL_read, SSL_write_ex or SSL_read_ex") String function,
        LibraryRef library,
        @Schema(description = "address of the SSL object, hex") String ssl,
        @Schema(description = "socket fd in the process, -1 when unresolved") int fd,
        @Schema(description = "how the fd was found: layout, nested-syscall, cached or none") String fdMethod,
        @Schema(description = "TCP endpoints of fd; absent when unknown") ConnectionRef connection,
        long cgroupId,
        @Schema(description = "the same for every chunk of one SSL call") String callId,
        @Schema(description = "bytes the SSL call moved; more than captured when truncated") int callBytes,
        @Schema(description = "0-based chunk number within the call") int chunk,
        @Schema(description = "true for the last captured chunk of the call") boolean lastChunk,
        @Schema(description = "true when the call moved more than the per-call capture cap") boolean truncated,
        @Schema(description = "bytes in this chunk") int length,
        @Schema(description = "the chunk as text, present when it is mostly printable; "
                + "unprintable bytes shown as '.', see textExact") String text,
        @Schema(description = "true when text is exactly the captured bytes") Boolean textExact,
        @Schema(description = "the captured bytes, always present") String base64) {

    /** The library inode the probe that captured the event sits on. */
    public record LibraryRef(int id, String device, Long inode) {
    }

    /** Source is the traced process's end of the connection. */
    public record ConnectionRef(String source, String destination) {
    }
}
