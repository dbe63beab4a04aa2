package io.tlsscope.bpf;

import java.util.Map;

/**
 * A libbpf or BPF syscall failure: what was attempted, with which arguments, and the errno.
 * Message form: {@code attach uprobe ssl_write_entry on /usr/lib/x/libssl.so.3+0x3a1b0: ENOENT (No such file or directory)}.
 */
public final class LibbpfException extends RuntimeException {
    private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"), Map.entry(7, "E2BIG"), Map.entry(9, "EBADF"), Map.entry(11, "EAGAIN"),
            Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"),
            Map.entry(17, "EEXIST"), Map.entry(22, "EINVAL"), Map.entry(28, "ENOSPC"), Map.entry(38, "ENOSYS"),
            Map.entry(95, "EOPNOTSUPP"), Map.entry(524, "ENOTSUPP"));

    private final String operation;
    private final int errno;

    LibbpfException(String operation, int errno) {
        super(operation + ": " + name(errno) + " (" + Libbpf.describe(errno) + ")");
        this.operation = operation;
        this.errno = errno;
    }

    /** A failure that is not an errno (e.g. the library itself is missing). */
    LibbpfException(String operation, String reason, Throwable cause) {
        super(operation + ": " + reason, cause);
        this.operation = operation;
        this.errno = 0;
    }

    /** Turns a libbpf int result (negative errno on failure) into an exception. */
    static int check(int result, String operation) {
        if (result < 0) {
            throw new LibbpfException(operation, -result);
        }
        return result;
    }

    public String operation() {
        return operation;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return name(errno);
    }

    private static String name(int errno) {
        return ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
    }
}
