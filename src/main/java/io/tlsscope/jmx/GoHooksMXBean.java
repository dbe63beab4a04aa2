package io.tlsscope.jmx;

/** io.tlsscope:type=GoHooks — the Go crypto/tls probes, and the operations that switch them. */
public interface GoHooksMXBean {
    boolean isEnabled();

    /** Attaches (true) or detaches (false) the probes of every Go executable now. */
    void switchAll(boolean enabled);

    /** The same for the Go executable with this inode. */
    void switchOne(long inode, boolean enabled);
}
