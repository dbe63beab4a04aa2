package io.tlsscope.capture;

/** A process (thread-group leader) that called exec, or exited. */
public record ProcessEvent(Kind kind, int pid, String comm) {
    public enum Kind { EXEC, EXIT }
}
