package io.tlsscope.events;

/** What the event bus carries: captured plaintext chunks and the query events decoded from them. */
public interface StreamEvent {
}
