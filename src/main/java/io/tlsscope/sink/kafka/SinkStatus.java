package io.tlsscope.sink.kafka;

/**
 * What the sink's readiness check reports.
 *
 * @param state  disabled (no bootstrap servers), up, degraded (records wait for the brokers; tracing goes
 *               on and the buffer fills, then drops and counts) or failed (the configuration was refused)
 * @param reason why, in words, for anything but up
 */
public record SinkStatus(State state, String reason) {
    public enum State { DISABLED, UP, DEGRADED, FAILED }
}
