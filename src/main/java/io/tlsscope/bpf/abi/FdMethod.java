package io.tlsscope.bpf.abi;

import java.util.Locale;

/** enum tlsscope_fd_method: how the kernel side found the fd of an event. Append-only. */
public enum FdMethod {
    /** Unresolved: the event's fd is -1. */
    NONE(0),
    /** SSL->rbio->num with the library's struct layout, validated as a TCP socket of the process. */
    LAYOUT(1),
    /** The fd of the read/write syscall made inside the SSL call (layout-free). */
    NESTED_SYSCALL(2),
    /** The fd this SSL* resolved to on an earlier call, revalidated. */
    CACHED(3),
    /** The fd the process handed to SSL_set_fd, SSL_set_rfd or SSL_set_wfd, validated. */
    SET_FD(4),
    /** Go: the tls.Conn's net.Conn -> netFD -> poll.FD.Sysfd with the build's offsets, validated. */
    GO_CONN(5);

    /** values() copies its array on every call, and this is looked up per ring-buffer record. */
    private static final FdMethod[] ALL = values();

    private final int value;
    /** Made once: every streamed event names it. */
    private final String jsonName;

    FdMethod(int value) {
        this.value = value;
        this.jsonName = name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static FdMethod fromValue(int value) {
        for (FdMethod method : ALL) {
            if (method.value == value) {
                return method;
            }
        }
        throw new IllegalArgumentException("unknown fd method value " + value);
    }

    public String jsonName() {
        return jsonName;
    }
}
