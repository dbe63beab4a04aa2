package io.tlsscope.tracer;

/** One named counter with what it counts. */
public record CounterValue(String name, long value, String description) {
}
