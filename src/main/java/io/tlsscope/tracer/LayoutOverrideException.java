package io.tlsscope.tracer;

/** A layout could not be forced or cleared; the reason says what the caller got wrong, if anything. */
public final class LayoutOverrideException extends RuntimeException {
    public enum Reason {
        /** No layout of that name exists. */
        UNKNOWN_LAYOUT,
        /** No attached library has that inode. */
        UNKNOWN_LIBRARY,
        /** The kernel side is not running. */
        TRACER_DOWN
    }

    private final Reason reason;

    public LayoutOverrideException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
