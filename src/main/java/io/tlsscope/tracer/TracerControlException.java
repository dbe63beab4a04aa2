package io.tlsscope.tracer;

/** A control operation (force a layout, switch Go hooks) was refused; the reason says what the caller got wrong, if anything. */
public final class TracerControlException extends RuntimeException {
    public enum Reason {
        /** No layout of that name exists. */
        UNKNOWN_LAYOUT,
        /** No attached library has that inode. */
        UNKNOWN_LIBRARY,
        /** The kernel side is not running. */
        TRACER_DOWN
    }

    private final Reason reason;

    public TracerControlException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
