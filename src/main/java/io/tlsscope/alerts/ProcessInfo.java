package io.tlsscope.alerts;

/**
 * One end of a database connection as far as the host knows it.
 *
 * @param pid  0 when the process is not on this host or not traced
 * @param comm kernel process name; empty when unknown
 * @param exe  executable path (/proc/PID/exe, inside the process's mount namespace); empty when unknown
 */
public record ProcessInfo(int pid, String comm, String exe) {
    public static final ProcessInfo UNKNOWN = new ProcessInfo(0, "", "");

    public boolean known() {
        return pid != 0;
    }
}
