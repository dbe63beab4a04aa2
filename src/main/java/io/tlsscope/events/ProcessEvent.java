package io.tlsscope.events;

/** A process (thread-group leader) that called exec, or exited. */
public record ProcessEvent(Kind kind, int pid, String comm) implements KernelEvent {
    public enum Kind { EXEC, EXIT }
}
