package io.tlsscope.counters;

/** A counter and its value at the moment it was read. */
public record CounterReading(Counter counter, long value) {
}
