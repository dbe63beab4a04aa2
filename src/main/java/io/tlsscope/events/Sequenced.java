package io.tlsscope.events;

/** An event with the id the bus gave it: increasing over the service's life, what SSE clients resume from. */
public record Sequenced(long id, StreamEvent event) {
}
