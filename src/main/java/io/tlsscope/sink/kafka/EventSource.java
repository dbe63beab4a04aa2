package io.tlsscope.sink.kafka;

/** Where the sender takes its records from. Polled by the sender thread only. */
interface EventSource {
    /** The next record, serialised, or null when none waits. */
    OutboundRecord next();
}
