package io.tlsscope.tracer;

/** Whether the kernel side is tracing, and if not, why (one actionable sentence). */
public record TracerState(Status status, String reason) {
    public enum Status { STARTING, UP, DOWN, DISABLED }

    public static TracerState up() {
        return new TracerState(Status.UP, "tracing: BPF object loaded and attached");
    }

    public static TracerState down(String reason) {
        return new TracerState(Status.DOWN, reason);
    }
}
