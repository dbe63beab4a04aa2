/**
 * The Kafka sink: query events (and alerts, and raw chunks when asked for) as records on Apache
 * Kafka, for a fleet's events in one place. Its own bus queue, a byte-bounded buffer and one sender
 * thread keep it off the capture thread; every record's fate is counted (kafka.*). docs/design.md
 * "Kafka sink".
 */
package io.tlsscope.sink.kafka;
