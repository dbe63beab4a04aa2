package io.tlsscope.kernel;

/** The kernel side could not start, for a reason the user can act on; the message says which. */
public final class KernelStartException extends RuntimeException {
    KernelStartException(String message) {
        super(message);
    }

    KernelStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
